/**
 * The question log of the lowdb store: one append-only JSON-lines file per month of asking
 * (`questions/2026-11.jsonl`), so that recording a question writes one line, whatever the
 * history holds. A question's later changes are lines of their own in the question's month file,
 * merged on read:
 *
 *   {"q":{…QuestionRecord}}                              a question asked
 *   {"feedback":{"id":"…","helpful":true,"at":"…"}}     Nyttig / Ikke nyttig
 *   {"choice":{"id":"…","rank":2,"at":"…"}}            the «Mente du …?» choice
 *
 * Retention (redact) rewrites only the month files that hold a text past its time, with the
 * text gone and the events folded into the records (temporary file, fsync, rename).
 *
 * Group commit: lines that arrive while a write is under way are written together by the next
 * one (one write and one fdatasync per month file for all of them); a caller's promise resolves
 * only after its line is on disk. What is in memory is what is on disk: a line is applied to
 * memory after its fdatasync, and a failed write is cut off the file again.
 *
 * Statistics read from memory, which is filled once at open and afterwards only by the lines
 * this process appends: the files are never read again while the store is open.
 */
import { existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirSync, writeFileDurably } from './durable-file.js';
import { appendDurably, readLines } from './jsonl.js';
import type { QuestionRecord } from './store.js';

const MONTH_FILE = /^(\d{4}-\d{2})\.jsonl$/;

type Line =
  | { q: QuestionRecord }
  | { feedback: { id: string; helpful: boolean; at: string } }
  | { choice: { id: string; rank: number; at: string } };

/** The month file a question belongs to ("YYYY-MM" of its UTC time of asking). */
export function monthOf(at: string): string {
  return /^\d{4}-\d{2}/.exec(at)?.[0] ?? new Date().toISOString().slice(0, 7);
}

/** Folds one line into the records of a month (later lines win). */
function applyLine(records: Map<string, QuestionRecord>, line: Line): void {
  if ('q' in line) records.set(line.q.id, line.q);
  else if ('feedback' in line) {
    const q = records.get(line.feedback.id);
    if (q) records.set(q.id, { ...q, feedback: { helpful: line.feedback.helpful, at: line.feedback.at } });
  } else if ('choice' in line) {
    const q = records.get(line.choice.id);
    if (q) records.set(q.id, { ...q, choice: { rank: line.choice.rank, at: line.choice.at } });
  }
}

const isLine = (v: unknown): v is Line => {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, { id?: unknown } | undefined>;
  return ['q', 'feedback', 'choice'].some((k) => typeof o[k] === 'object' && o[k] !== null && typeof o[k]!.id === 'string');
};

/** Reads one month file (see readLines for what a crash can leave at its end). */
export function readMonthFile(file: string): Map<string, QuestionRecord> {
  const records = new Map<string, QuestionRecord>();
  for (const line of readLines(file, isLine).lines) applyLine(records, line);
  return records;
}

async function cutBack(file: string, bytes: number): Promise<void> {
  await truncate(file, (await stat(file)).size - bytes).catch(() => undefined);
}

const fileText = (records: Iterable<QuestionRecord>): string => {
  let out = '';
  for (const q of records) out += `${JSON.stringify({ q })}\n`;
  return out;
};

interface Pending {
  month: string;
  line: string;
  /** Applied to memory once the line is durable; its value is the caller's result. */
  apply: () => unknown;
  resolve: (v: unknown) => void;
  reject: (err: Error) => void;
}

export class QuestionLog {
  /** Month → question id → record, months in the order they were first seen. */
  private readonly months = new Map<string, Map<string, QuestionRecord>>();
  /** Question id → its month. */
  private readonly where = new Map<string, string>();
  /** Lines waiting for the next write (group commit). */
  private open?: Pending[];
  /** Writes and rewrites, one at a time. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {}

  /** Reads every month file (cutting off a crashed last line), creating the folder if needed. */
  static load(dataDir: string): QuestionLog {
    const dir = join(dataDir, 'questions');
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      fsyncDirSync(dataDir);
    }
    const log = new QuestionLog(dir);
    const names = readdirSync(dir).sort();
    for (const name of names) {
      // A temporary file left by a crash mid-rewrite: the rename never happened, the old file stands.
      if (name.endsWith('.tmp')) {
        unlinkSync(join(dir, name));
        continue;
      }
      const m = MONTH_FILE.exec(name);
      if (!m) continue;
      log.adopt(m[1], readMonthFile(join(dir, name)));
    }
    return log;
  }

  private adopt(month: string, records: Map<string, QuestionRecord>): void {
    const old = this.months.get(month);
    if (old) for (const id of old.keys()) if (!records.has(id)) this.where.delete(id);
    this.months.set(month, records);
    for (const id of records.keys()) this.where.set(id, month);
  }

  private fileOf(month: string): string {
    return join(this.dir, `${month}.jsonl`);
  }

  get size(): number {
    return this.where.size;
  }

  get(id: string): QuestionRecord | undefined {
    const month = this.where.get(id);
    return month ? this.months.get(month)?.get(id) : undefined;
  }

  /** Every question, month by month (oldest month first), in the order written. */
  list(): QuestionRecord[] {
    const out: QuestionRecord[] = [];
    for (const month of [...this.months.keys()].sort()) for (const q of this.months.get(month)!.values()) out.push(q);
    return out;
  }

  record(q: QuestionRecord): Promise<void> {
    const month = monthOf(q.at);
    return this.append(month, { q }, () => {
      const records = this.months.get(month) ?? new Map<string, QuestionRecord>();
      if (!this.months.has(month)) this.months.set(month, records);
      const before = this.where.get(q.id);
      if (before && before !== month) this.months.get(before)?.delete(q.id);
      records.set(q.id, q);
      this.where.set(q.id, month);
    }) as Promise<void>;
  }

  /** Appends a feedback or choice line to the question's month; undefined when the question is unknown. */
  change(id: string, line: Line, fold: (q: QuestionRecord) => QuestionRecord): Promise<QuestionRecord | undefined> {
    const month = this.where.get(id);
    if (!month) return Promise.resolve(undefined);
    return this.append(month, line, () => {
      const records = this.months.get(month);
      const q = records?.get(id);
      if (!records || !q) return undefined;
      const next = fold(q);
      records.set(id, next);
      return next;
    }) as Promise<QuestionRecord | undefined>;
  }

  private append(month: string, line: Line, apply: () => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (!this.open) {
        const batch: Pending[] = [];
        this.open = batch;
        this.tail = this.tail.then(() => {
          if (this.open === batch) this.open = undefined;
          return this.writeBatch(batch);
        });
      }
      this.open.push({ month, line: `${JSON.stringify(line)}\n`, apply, resolve, reject });
    });
  }

  /** One write and one fdatasync per month file for the whole batch; then memory follows. */
  private async writeBatch(batch: Pending[]): Promise<void> {
    const byMonth = new Map<string, string[]>();
    for (const p of batch) byMonth.set(p.month, [...(byMonth.get(p.month) ?? []), p.line]);
    const written: { file: string; bytes: number }[] = [];
    try {
      for (const [month, lines] of byMonth) {
        const file = this.fileOf(month);
        written.push({ file, bytes: await appendDurably(file, lines.join('')) });
      }
    } catch (err) {
      // A month written before the failure is cut back too: the whole batch failed.
      for (const w of written) await cutBack(w.file, w.bytes);
      for (const p of batch) p.reject(err as Error);
      return;
    }
    for (const p of batch) {
      try {
        p.resolve(p.apply());
      } catch (err) {
        p.reject(err as Error);
      }
    }
  }

  /**
   * Retention: drops the text of every question asked before `before`, rewriting only the month
   * files that hold such a text. Returns how many texts went.
   */
  redact(before: string): Promise<number> {
    const run = this.tail.then(async () => {
      let n = 0;
      const last = monthOf(before);
      for (const month of [...this.months.keys()].sort()) {
        if (month > last) break;
        const records = this.months.get(month)!;
        let due = 0;
        for (const q of records.values()) if (q.text !== undefined && q.at < before) due++;
        if (!due) continue;
        const next = new Map<string, QuestionRecord>();
        for (const [id, q] of records) {
          if (q.text !== undefined && q.at < before) {
            const { text: _text, ...rest } = q;
            next.set(id, rest);
          } else next.set(id, q);
        }
        await writeFileDurably(this.fileOf(month), fileText(next.values()));
        this.months.set(month, next);
        n += due;
      }
      return n;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Migration from the one-file layout: writes the given records into their month files (each
   * file rewritten whole, durably). Records already in a month file are kept as they are there,
   * so running it twice (a crash before the migration was committed) changes nothing.
   */
  async importRecords(records: QuestionRecord[]): Promise<void> {
    const byMonth = new Map<string, QuestionRecord[]>();
    for (const q of records) byMonth.set(monthOf(q.at), [...(byMonth.get(monthOf(q.at)) ?? []), q]);
    for (const [month, list] of [...byMonth].sort(([a], [b]) => a.localeCompare(b))) {
      const merged = new Map<string, QuestionRecord>();
      for (const q of list) merged.set(q.id, q);
      for (const [id, q] of this.months.get(month) ?? []) merged.set(id, q);
      await writeFileDurably(this.fileOf(month), fileText(merged.values()));
      this.adopt(month, merged);
    }
  }

  /** Resolves when every write asked for so far is done. */
  async idle(): Promise<void> {
    for (;;) {
      const t = this.tail;
      await t.catch(() => undefined);
      if (t === this.tail) return;
    }
  }
}
