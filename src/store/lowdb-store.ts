/**
 * Store on lowdb files in one data directory, laid out so that a write touches only what it
 * changes — a write must not cost more as the history grows:
 *
 * - `questions/YYYY-MM.jsonl`: the question log, append-only JSON lines per month
 *   (src/store/question-log.ts); feedback and «Mente du …?» choices are lines of their own.
 * - `veiviser.json` (lowdb) + `veiviser.journal`: what is small and changes — conversation
 *   references, tickets (with their audit history), the outbox, escalation channels, veileder
 *   profiles, bookings, secrets, the embedded calendar. A change is one line appended to the
 *   journal: the records it changed, as they are after it. Changes that arrive while a write is
 *   under way share the next line (group commit, src/store/group-commit.ts). When the journal
 *   has grown as big as veiviser.json (or a retention step asks for it, or it is ten minutes
 *   old), the next write is a checkpoint instead: the whole state written to veiviser.json
 *   (temporary file, fsync, rename) and the journal replaced by an empty one — so each byte
 *   changed costs a bounded number of bytes written, whatever the store holds.
 * - `outbox/<id>.json`: the activity (text) of an outbox message not yet delivered, one file per
 *   message, written before the journal line that enqueues it and deleted right after the line
 *   that records its delivery: the journal and veiviser.json hold the messages' ids and states
 *   only, so a delivered card's text is in no file once its delivery is acknowledged.
 * - `content.json` (lowdb): crawled pages, rewritten only by a crawl.
 *
 * Every write is durable against power loss before it resolves: lines are fdatasynced, files are
 * replaced through an fsynced temporary file and the directory is fsynced after the rename.
 * Nothing clones the whole dataset: records are replaced, never changed in place, and each change
 * registers its own undo in case the write fails (memory never holds what the files do not).
 *
 * A data directory in the one-file layout (version 1: everything in veiviser.json) is migrated
 * at open, once, after a copy of the old file is kept in `backup/` (see MigrationNote).
 */
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, futimesSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Low } from 'lowdb';
import type { WorkingHours } from '../calendar/calendar.js';
import type { CrawlReport, StoredPage } from '../faq/crawler.js';
import type { OutboxMessage } from '../outbox/types.js';
import type { Ticket } from '../tickets/model.js';
import { ACTIVE_BOOKING_STATES, type Booking } from '../booking/model.js';
import { bookingConflict } from './booking-conflict.js';
import { open, unlink } from 'node:fs/promises';
import { DurableJsonFile, fsyncDir, fsyncDirSync, writeFileDurably } from './durable-file.js';
import { GroupCommit, type Tx } from './group-commit.js';
import { appendDurably, readLines } from './jsonl.js';
import { QuestionLog } from './question-log.js';
import { StoreCorruptError, StoreLockedError, type CrawlClaim, type CrawlStatusRecord, type QuestionRecord, type Store, type StoredConversation, type TicketUpdate, type EscalationChannel, type VeilederProfile, type StoredCalendarEvent, type CalendarEventPatch, type StoreCapabilities } from './store.js';

interface ContentData { version: 1; pages: StoredPage[]; lastCrawl?: CrawlReport }

/**
 * A migration from the one-file layout, remembered until its backup is deleted. The backup is
 * the old file as it was, so it holds texts that retention will delete later; it is deleted after
 * BACKUP_DAYS, or earlier by the first retention step that would otherwise leave a deleted text
 * in it: the text of a question it holds reaching QUESTION_TEXT_RETENTION_DAYS, a ticket it holds
 * being redacted, or a message it holds with text being delivered (or failing for good).
 */
export interface MigrationNote {
  from: 1;
  at: string;
  /** The copy of the old file, relative to the data directory. */
  backup: string;
  /** Deleted at the latest then. */
  until: string;
  /** The time of the oldest question whose text it holds. */
  questionTextSince?: string;
  /** Tickets it holds not yet redacted, and outbox messages it holds with text. */
  tickets: string[];
  outbox: string[];
}

/** How long the migration backup is kept at most: time enough to notice a failed migration and roll back. */
export const BACKUP_DAYS = 7;
/** A checkpoint at least this often while the journal holds lines (what later changes deleted goes with it). */
const CHECKPOINT_MINUTES = 10;
/** Below this the journal is not checkpointed for its size alone. */
const MIN_JOURNAL_BYTES = 1 << 20;

/** veiviser.json as written (version 2); version 1 also held `questions`. */
export interface AppFile {
  version: 2;
  conversations: Record<string, StoredConversation>;
  tickets: Ticket[];
  /** Last ticket number used, per year. */
  ticketSeq: Record<string, number>;
  outbox: OutboxMessage[];
  channels: EscalationChannel[];
  bookings: Booking[];
  bookingSeq: Record<string, number>;
  secrets: Record<string, string>;
  veiledere: Record<string, VeilederProfile>;
  /** The embedded calendar: events per mailbox (lower case), and each mailbox's working hours. */
  calendarEvents: Record<string, StoredCalendarEvent[]>;
  workingHours: Record<string, WorkingHours>;
  migratedFrom?: MigrationNote;
  /** The last journal line this file includes (later lines are replayed over it at open). */
  journal?: number;
}

/** The same in memory: maps keyed by id, in insertion order (tickets by creation, the outbox by enqueue). */
interface AppState {
  conversations: Map<string, StoredConversation>;
  tickets: Map<string, Ticket>;
  ticketSeq: Map<string, number>;
  outbox: Map<string, OutboxMessage>;
  channels: EscalationChannel[];
  bookings: Map<string, Booking>;
  bookingSeq: Map<string, number>;
  secrets: Map<string, string>;
  veiledere: Map<string, VeilederProfile>;
  calendarEvents: Map<string, StoredCalendarEvent[]>;
  workingHours: Map<string, WorkingHours>;
  migratedFrom?: MigrationNote;
}

const mailboxKey = (mailbox: string): string => mailbox.trim().toLowerCase();
const DAY = 86_400_000;

const toMap = <V>(o: Record<string, V> | undefined): Map<string, V> => new Map(Object.entries(o ?? {}));
const byId = <V extends { id: string }>(list: V[]): Map<string, V> => new Map(list.map((v) => [v.id, v]));

function stateOf(f: AppFile): AppState {
  return {
    conversations: toMap(f.conversations), tickets: byId(f.tickets), ticketSeq: toMap(f.ticketSeq), outbox: byId(f.outbox), channels: f.channels,
    bookings: byId(f.bookings), bookingSeq: toMap(f.bookingSeq), secrets: toMap(f.secrets), veiledere: toMap(f.veiledere),
    calendarEvents: toMap(f.calendarEvents), workingHours: toMap(f.workingHours), migratedFrom: f.migratedFrom,
  };
}

/** Whether a message still carries its activity (text) — kept in its own file, never in the state's files. */
const hasText = (m: OutboxMessage): boolean => m.activity !== undefined && m.activity !== null && Object.keys(m.activity).length > 0;
const head = (m: OutboxMessage): OutboxMessage => (hasText(m) ? { ...m, activity: {} } : m);

function fileOf(s: AppState): AppFile {
  return {
    version: 2, conversations: Object.fromEntries(s.conversations), tickets: [...s.tickets.values()], ticketSeq: Object.fromEntries(s.ticketSeq),
    outbox: [...s.outbox.values()].map(head), channels: s.channels, bookings: [...s.bookings.values()], bookingSeq: Object.fromEntries(s.bookingSeq),
    secrets: Object.fromEntries(s.secrets), veiledere: Object.fromEntries(s.veiledere), calendarEvents: Object.fromEntries(s.calendarEvents),
    workingHours: Object.fromEntries(s.workingHours), ...(s.migratedFrom ? { migratedFrom: s.migratedFrom } : {}),
  };
}

/** Sets a map entry, registering its undo. */
function put<V>(tx: Tx, map: Map<string, V>, key: string, value: V): void {
  const had = map.has(key);
  const prev = map.get(key);
  map.set(key, value);
  tx.undo(() => (had ? map.set(key, prev as V) : map.delete(key)));
}

/** The keyed collections of the state, and the two values kept whole. */
type Collection = 'conversations' | 'tickets' | 'ticketSeq' | 'outbox' | 'bookings' | 'bookingSeq' | 'secrets' | 'veiledere' | 'calendarEvents' | 'workingHours';
const COLLECTIONS: readonly Collection[] = ['conversations', 'tickets', 'ticketSeq', 'outbox', 'bookings', 'bookingSeq', 'secrets', 'veiledere', 'calendarEvents', 'workingHours'];
type Whole = 'channels' | 'migratedFrom';

/** One journal line: a write's changes — each record as it is after them, null for one deleted. */
interface JournalLine {
  c: number;
  at: string;
  ops: [Collection | Whole, string, unknown][];
}

const isJournalLine = (v: unknown): v is JournalLine =>
  typeof v === 'object' && v !== null && Number.isInteger((v as JournalLine).c) && Array.isArray((v as JournalLine).ops);

function applyOps(s: AppState, ops: JournalLine['ops']): void {
  for (const [what, key, value] of ops) {
    if (what === 'channels') s.channels = value as EscalationChannel[];
    else if (what === 'migratedFrom') s.migratedFrom = (value ?? undefined) as MigrationNote | undefined;
    else if (COLLECTIONS.includes(what)) {
      const map = s[what] as Map<string, unknown>;
      if (value === null) map.delete(key);
      else map.set(key, value);
    }
  }
}

/**
 * Replays the journal over the state read from veiviser.json: the lines after the one it
 * includes, which must follow one another. Returns the last line's number.
 */
function replay(file: string, s: AppState, from: number, repair: boolean): { last: number; bytes: number; lines: number; firstAt?: string } {
  const { lines, bytes } = readLines(file, isJournalLine, repair);
  let last = from;
  let applied = 0;
  let firstAt: string | undefined;
  for (const line of lines) {
    if (line.c <= from) continue;
    if (line.c !== last + 1) throw new StoreCorruptError(file, new Error(`linje ${line.c} følger ikke linje ${last}`));
    applyOps(s, line.ops);
    last = line.c;
    applied++;
    firstAt ??= line.at;
  }
  return { last, bytes, lines: applied, firstAt };
}

/**
 * The state of a lowdb data directory as the store would see it, read without writing anything
 * (no lock taken: for tests and tools that look at a directory a crashed or running process owns).
 */
export function readLowdbState(dataDir: string): AppFile {
  const read = readAppFile(join(dataDir, 'veiviser.json'));
  const s = stateOf(read?.data ?? emptyFile());
  if (!read?.questions) replay(join(dataDir, 'veiviser.journal'), s, read?.data.journal ?? 0, false);
  return fileOf(s);
}

const emptyFile = (): AppFile => ({ version: 2, conversations: {}, tickets: [], ticketSeq: {}, outbox: [], channels: [], bookings: [], bookingSeq: {}, secrets: {}, veiledere: {}, calendarEvents: {}, workingHours: {} });

/** Reads and checks veiviser.json (either layout); undefined when there is none. Never writes. */
function readAppFile(file: string): { raw: Buffer; data: AppFile; questions?: QuestionRecord[] } | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new StoreCorruptError(file, err as Error);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new StoreCorruptError(file, new Error('innholdet er ikke et JSON-objekt'));
  const version = data.version ?? 1;
  if (version !== 1 && version !== 2) throw new StoreCorruptError(file, new Error(`ukjent versjon ${JSON.stringify(version)} (skrevet av en nyere Veiviser?)`));
  if ((version === 1 && !Array.isArray(data.questions)) || typeof data.conversations !== 'object' || data.conversations === null) throw new StoreCorruptError(file, new Error('"questions" eller "conversations" mangler'));
  // Files written before tickets, bookings or the calendar existed get the new collections.
  for (const [k, empty] of [['tickets', []], ['ticketSeq', {}], ['outbox', []], ['channels', []], ['bookings', []], ['bookingSeq', {}], ['secrets', {}], ['veiledere', {}], ['calendarEvents', {}], ['workingHours', {}]] as const) data[k] ??= empty;
  if (!Array.isArray(data.tickets) || !Array.isArray(data.outbox) || !Array.isArray(data.bookings)) throw new StoreCorruptError(file, new Error('"tickets" eller "outbox" er ikke lister'));
  const isRecord = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(data.calendarEvents) || !Object.values(data.calendarEvents as object).every(Array.isArray) || !isRecord(data.workingHours)) {
    throw new StoreCorruptError(file, new Error('"calendarEvents" eller "workingHours" har feil form'));
  }
  const questions = version === 1 ? (data.questions as QuestionRecord[]) : undefined;
  delete data.questions;
  data.version = 2;
  return { raw, data: data as unknown as AppFile, questions };
}

/** A temporary file left by a crash mid-write holds a state that never became the file: it goes. */
function removeLeftovers(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.endsWith('.tmp')) unlinkSync(join(dir, name));
}

/**
 * One process per data directory: a lock file holding the owner's pid and host, whose
 * modification time the owner refreshes every LOCK_HEARTBEAT_MS. A lock is taken over when its
 * owner is known to be gone: on this host, when its pid no longer runs (a crash, kill -9); from
 * another host — a container replaced by a new one with another hostname on the same volume —
 * when it has not been refreshed for LOCK_STALE_MS, since a pid on another host cannot be asked.
 * A live owner anywhere stops the start. (Decision: a process frozen for a whole minute loses
 * its claim; that is far longer than any pause a Node process survives with its connections.)
 */
export const LOCK_HEARTBEAT_MS = 10_000;
export const LOCK_STALE_MS = 60_000;

interface LockOwner { pid?: number; host?: string }

/** The lock as it is on disk: missing, unreadable (half-written, or a passing I/O error), or its owner and age. */
type LockRead = { state: 'missing' } | { state: 'unreadable' } | { state: 'ok'; owner: LockOwner; ageMs: number };

function readLock(file: string): LockRead {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return { state: 'ok', owner, ageMs: Date.now() - statSync(file).mtimeMs };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { state: 'missing' } : { state: 'unreadable' };
  }
}

const ours = (lock: LockRead): boolean => lock.state === 'ok' && lock.owner.pid === process.pid && lock.owner.host === hostname();

/** Writes a new lock; its time is this process's clock, as every beat sets it (the age is read against that clock). */
function writeLock(file: string): void {
  const fd = openSync(file, 'wx');
  writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
  const now = new Date();
  futimesSync(fd, now, now);
  closeSync(fd);
}

function takeLock(dataDir: string): string {
  const file = join(dataDir, 'veiviser.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeLock(file);
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const lock = readLock(file);
      const alive = (pid: number): boolean => {
        try {
          process.kill(pid, 0);
          return true;
        } catch (e) {
          return (e as NodeJS.ErrnoException).code === 'EPERM';
        }
      };
      // An empty or half-written lock (a crash while it was written) names nobody: stale.
      const owner = lock.state === 'ok' ? lock.owner : {};
      const live = lock.state === 'ok' && (owner.host === hostname() ? owner.pid !== process.pid && alive(owner.pid!) : lock.ageMs < LOCK_STALE_MS);
      if (owner.pid && live) throw new StoreLockedError(dataDir, owner.pid, owner.host === hostname() ? undefined : owner.host);
      try {
        unlinkSync(file);
      } catch {
        // Someone else removed it first; try again.
      }
    }
  }
  throw new Error(`Kunne ikke låse datamappa ${dataDir}.`);
}

/**
 * Refreshes the lock's time while it is still ours. Lost only when the file names another owner;
 * a lock that has gone (someone deleted it) is written again, and one that cannot be read right now
 * (a passing I/O error, a write under way) is tried again at the next beat.
 */
function heartbeat(file: string, onLost: () => void): () => void {
  let lost = false;
  return () => {
    if (lost) return;
    const lock = readLock(file);
    if (lock.state === 'unreadable') return;
    if (lock.state === 'missing') {
      try {
        writeLock(file);
      } catch {
        // Someone else wrote one first: read at the next beat.
      }
      return;
    }
    if (!ours(lock)) {
      lost = true;
      onLost();
      return;
    }
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // Gone between the read and the touch: seen at the next beat.
    }
  };
}

/**
 * The activities of outbox messages not yet delivered, one file per message (`outbox/<id>.json`),
 * so that the state's files never hold a message's text: written (fsynced, and the directory)
 * before the write that enqueues the message, deleted right after the write that records its
 * delivery. A file left by a crash between those steps is removed at the next open.
 */
class Payloads {
  /** Messages whose activity has its file, and files whose deletion failed. */
  private readonly stored = new Set<string>();
  private readonly stale = new Set<string>();

  private constructor(readonly dir: string) {}

  private file(id: string): string {
    return join(this.dir, `${encodeURIComponent(id)}.json`);
  }

  /**
   * Gives every undelivered message its activity back from its file; a message that still holds
   * its activity inline (the one-file layout) gets a file; a file of no undelivered message goes.
   * A delivered message never keeps its text.
   */
  static async load(dir: string, outbox: Map<string, OutboxMessage>): Promise<Payloads> {
    const p = new Payloads(dir);
    if (!existsSync(dir)) {
      mkdirSync(dir);
      fsyncDirSync(dirname(dir));
    }
    const undelivered = (m: OutboxMessage | undefined): m is OutboxMessage => m !== undefined && (m.status === 'pending' || m.status === 'sending');
    let removed = false;
    for (const name of readdirSync(dir)) {
      const id = name.endsWith('.json') ? decodeURIComponent(name.slice(0, -5)) : undefined;
      const m = id === undefined ? undefined : outbox.get(id);
      if (id !== undefined && undelivered(m) && !hasText(m)) {
        try {
          outbox.set(id, { ...m, activity: JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown> });
          p.stored.add(id);
          continue;
        } catch {
          // Cut off by a crash before the write that would have enqueued it: never acknowledged.
        }
      }
      unlinkSync(join(dir, name));
      removed = true;
    }
    if (removed) fsyncDirSync(dir);
    const inline = [...outbox.values()].filter((m) => hasText(m) && !p.stored.has(m.id));
    for (const m of inline) if (m.status === 'sent' || m.status === 'failed') outbox.set(m.id, { ...m, activity: {} });
    await p.write(inline.filter((m) => undelivered(m)));
    return p;
  }

  /** What a write of the given outbox records must add and remove. */
  due(keys: Set<string> | undefined, outbox: Map<string, OutboxMessage>): { add: OutboxMessage[]; remove: string[] } {
    const add: OutboxMessage[] = [];
    const remove = [...this.stale];
    for (const id of keys ?? []) {
      const m = outbox.get(id);
      if (m && hasText(m)) {
        if (!this.stored.has(id)) add.push(m);
      } else if (this.stored.has(id)) remove.push(id);
    }
    return { add, remove };
  }

  async write(messages: OutboxMessage[]): Promise<void> {
    if (!messages.length) return;
    await Promise.all(messages.map(async (m) => {
      const fh = await open(this.file(m.id), 'w');
      try {
        await fh.writeFile(JSON.stringify(m.activity));
        await fh.sync();
      } finally {
        await fh.close();
      }
    }));
    await fsyncDir(this.dir);
    for (const m of messages) this.stored.add(m.id);
  }

  /** After a failed write: the files it made go again (best effort; the next open removes what is left). */
  async undo(messages: OutboxMessage[]): Promise<void> {
    for (const m of messages) {
      this.stored.delete(m.id);
      await unlink(this.file(m.id)).catch(() => undefined);
    }
  }

  /** After a write that recorded deliveries: their texts go. A failure is tried again at the next write. */
  async remove(ids: string[]): Promise<void> {
    if (!ids.length) return;
    for (const id of ids) {
      try {
        await unlink(this.file(id));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.stale.add(id);
          continue;
        }
      }
      this.stored.delete(id);
      this.stale.delete(id);
    }
    await fsyncDir(this.dir).catch(() => undefined);
  }
}

export class LowdbStore implements Store {
  /** One process: rate limits count in memory, and only this process changes the content. */
  readonly capabilities: StoreCapabilities = {};
  private queue: Promise<unknown> = Promise.resolve();
  /** Grows with content changes (one process: memory is enough; a restart rebuilds the index anyway). */
  private contentStamp = 0;
  private crawlStatus?: CrawlStatusRecord;
  private crawlClaimed = false;
  private readonly commit: GroupCommit;
  /** Ticket id → ids of its card messages in the outbox; rebuilt after the outbox changes. */
  private cards?: Map<string, string[]>;
  private noted?: { tickets: Set<string>; outbox: Set<string> };
  /** What changed since the last write: the records the next journal line holds. */
  private dirty = new Map<Collection | Whole, Set<string>>();
  private readonly journalFile: string;
  /** The last journal line written (or included in veiviser.json), the journal's size and the time of its first line. */
  private commitNo: number;
  private journalBytes: number;
  private journalSince?: number;
  private snapshotBytes: number;
  /** The next write is a checkpoint (a retention step asked for one: the journal still holds what it deleted). */
  private checkpointWanted = false;
  private readonly ager: NodeJS.Timeout;
  /** Refreshes the lock file's time (see takeLock). */
  private beat?: NodeJS.Timeout;
  /** Messages whose activity is in outbox/<id>.json, and files whose deletion failed (tried again at the next write). */
  private readonly payloads: Payloads;

  private constructor(
    private readonly content: Low<ContentData>,
    private readonly app: Low<AppFile>,
    private readonly s: AppState,
    private readonly log: QuestionLog,
    private readonly dataDir: string,
    private readonly lockFile: string,
    journal: { last: number; bytes: number; firstAt?: string },
    payloads: Payloads,
  ) {
    this.payloads = payloads;
    this.journalFile = join(dataDir, 'veiviser.journal');
    this.commitNo = journal.last;
    this.journalBytes = journal.bytes;
    this.journalSince = journal.firstAt ? Date.parse(journal.firstAt) : undefined;
    this.snapshotBytes = (app.adapter as DurableJsonFile<AppFile>).bytes;
    this.journalSince ??= journal.bytes ? Date.now() : undefined;
    this.commit = new GroupCommit(() => this.write());
    // A journal line keeps what later changes deleted (a delivered card's text) until the next
    // checkpoint: one at least every CHECKPOINT_MINUTES, even when nothing else asks for one.
    this.ager = setInterval(() => {
      if (this.journalSince !== undefined && Date.now() - this.journalSince >= CHECKPOINT_MINUTES * 60_000) void this.checkpoint().catch(() => undefined);
    }, 60_000);
    this.ager.unref();
  }

  /**
   * `onLockLost` is told, once, if another process has taken the lock over (this one was frozen
   * for LOCK_STALE_MS): two writers on one directory from then on, so the caller should stop.
   */
  static async open(dataDir: string, opts: { onLockLost?: () => void; lockHeartbeatMs?: number } = {}): Promise<LowdbStore> {
    if (!existsSync(dataDir)) {
      mkdirSync(dataDir, { recursive: true });
      fsyncDirSync(dirname(resolve(dataDir)));
    }
    const lockFile = takeLock(dataDir);
    // Beating from the start: an open that reads a big directory must not look like a dead owner.
    const beat = setInterval(heartbeat(lockFile, opts.onLockLost ?? (() => undefined)), opts.lockHeartbeatMs ?? LOCK_HEARTBEAT_MS);
    beat.unref();
    try {
      const store = await LowdbStore.openLocked(dataDir, lockFile);
      store.beat = beat;
      return store;
    } catch (err) {
      clearInterval(beat);
      try { unlinkSync(lockFile); } catch { /* already gone */ }
      throw err;
    }
  }

  private static async openLocked(dataDir: string, lockFile: string): Promise<LowdbStore> {
    removeLeftovers(dataDir);
    removeLeftovers(join(dataDir, 'backup'));
    const contentFile = join(dataDir, 'content.json');
    const content = new Low<ContentData>(new DurableJsonFile<ContentData>(contentFile), { version: 1, pages: [] });
    try {
      await content.read();
    } catch (err) {
      throw new StoreCorruptError(contentFile, err as Error);
    }
    if (content.data === null || typeof content.data !== 'object' || !Array.isArray(content.data.pages)) throw new StoreCorruptError(contentFile, new Error('"pages" mangler'));

    const appFile = join(dataDir, 'veiviser.json');
    const journalFile = join(dataDir, 'veiviser.journal');
    const read = readAppFile(appFile);
    const adapter = new DurableJsonFile<AppFile>(appFile);
    const app = new Low<AppFile>(adapter, emptyFile());
    if (read) {
      app.data = read.data;
      adapter.bytes = read.raw.length;
    }
    const state = stateOf(app.data);
    const log = QuestionLog.load(dataDir);
    let journal: { last: number; bytes: number; lines: number; firstAt?: string } = { last: 0, bytes: 0, lines: 0 };
    if (!read?.questions) journal = replay(journalFile, state, read?.data.journal ?? 0, true);
    const payloads = await Payloads.load(join(dataDir, 'outbox'), state.outbox);
    if (read?.questions) {
      // The one-file layout: keep a copy of the old file, move the questions to their month
      // files, then write the new veiviser.json — the step that commits the migration. A crash
      // before it leaves the old file, and the next start does it all again (the same result).
      // A journal beside a one-file veiviser.json cannot belong to it (a restored old file): it goes.
      const backup = join('backup', 'veiviser-v1.json');
      mkdirSync(join(dataDir, 'backup'), { recursive: true });
      fsyncDirSync(dataDir);
      await writeFileDurably(join(dataDir, backup), read.raw);
      await log.importRecords(read.questions);
      const now = Date.now();
      const texts = read.questions.filter((q) => q.text !== undefined).map((q) => q.at).sort();
      state.migratedFrom = {
        from: 1, at: new Date(now).toISOString(), backup, until: new Date(now + BACKUP_DAYS * DAY).toISOString(),
        ...(texts.length ? { questionTextSince: texts[0] } : {}),
        tickets: [...state.tickets.values()].filter((t) => !t.redactedAt).map((t) => t.id),
        outbox: [...state.outbox.values()].filter((m) => JSON.stringify(m.activity ?? {}) !== '{}').map((m) => m.id),
      };
      app.data = { ...fileOf(state), journal: 0 };
      await app.write();
      if (existsSync(journalFile)) await writeFileDurably(journalFile, '');
    }
    // One process per data directory (the lock above): a message left "sending" was leased by a
    // process that is gone, so it is offered again at once instead of after its lease.
    for (const m of state.outbox.values()) {
      if (m.status === 'sending') state.outbox.set(m.id, { ...m, status: 'pending', leaseUntil: undefined });
    }
    const store = new LowdbStore(content, app, state, log, dataDir, lockFile, journal, payloads);
    // What the journal held is folded into veiviser.json at once: a start leaves no old lines behind.
    if (journal.bytes) await store.checkpoint();
    if (state.migratedFrom && Date.now() >= Date.parse(state.migratedFrom.until)) await store.commit.run((tx) => store.dropBackup(tx));
    return store;
  }

  /**
   * One write of the state (GroupCommit calls it; what it writes is taken synchronously, before
   * its first await): a journal line with the records changed since the last write, or — when the
   * journal has grown as big as veiviser.json, or a checkpoint was asked for — a checkpoint.
   */
  private async write(): Promise<void> {
    const c = this.commitNo + 1;
    // The activities of messages this write enqueues go to their files first; those of messages it
    // records as delivered (or deletes) go after it.
    const { add, remove } = this.payloads.due(this.dirty.get('outbox'), this.s.outbox);
    if (this.checkpointWanted || this.journalBytes >= Math.max(MIN_JOURNAL_BYTES, this.snapshotBytes)) {
      this.checkpointWanted = false;
      this.dirty.clear();
      this.app.data = { ...fileOf(this.s), journal: c };
      const adapter = this.app.adapter as DurableJsonFile<AppFile>;
      adapter.before = () => this.payloads.write(add);
      try {
        await this.app.write();
      } catch (err) {
        adapter.before = undefined;
        this.checkpointWanted = true;
        await this.payloads.undo(add);
        throw err;
      }
      await this.payloads.remove(remove);
      this.commitNo = c;
      this.snapshotBytes = (this.app.adapter as DurableJsonFile<AppFile>).bytes;
      // veiviser.json now holds everything: the old lines (and what they held) go. If this fails
      // they stay harmless — replay skips the lines veiviser.json includes — until the next checkpoint.
      try {
        await writeFileDurably(this.journalFile, '');
        this.journalBytes = 0;
        this.journalSince = undefined;
      } catch {
        this.checkpointWanted = true;
      }
      return;
    }
    const ops: JournalLine['ops'] = [];
    for (const [what, keys] of this.dirty) {
      if (what === 'channels') ops.push([what, '', this.s.channels]);
      else if (what === 'migratedFrom') ops.push([what, '', this.s.migratedFrom ?? null]);
      else if (what === 'outbox') for (const key of keys) ops.push([what, key, this.s.outbox.has(key) ? head(this.s.outbox.get(key)!) : null]);
      else for (const key of keys) ops.push([what, key, this.s[what].get(key) ?? null]);
    }
    this.dirty.clear();
    const text = `${JSON.stringify({ c, at: new Date().toISOString(), ops } satisfies JournalLine)}\n`;
    try {
      await this.payloads.write(add);
      this.journalBytes += await appendDurably(this.journalFile, text);
    } catch (err) {
      await this.payloads.undo(add);
      throw err;
    }
    this.commitNo = c;
    this.journalSince ??= Date.now();
    await this.payloads.remove(remove);
  }

  /** Writes a checkpoint now (with whatever changes are waiting) and resolves when it is durable. */
  private checkpoint(): Promise<void> {
    return this.commit.run((tx) => {
      this.checkpointWanted = true;
      tx.undo(() => undefined);
    });
  }

  /** Sets a record of a collection, for the next write and with its undo. */
  private set<C extends Collection>(tx: Tx, what: C, key: string, value: AppState[C] extends Map<string, infer V> ? V : never): void {
    put(tx, this.s[what] as Map<string, unknown>, key, value);
    this.mark(what, key);
  }

  private mark(what: Collection | Whole, key: string): void {
    let keys = this.dirty.get(what);
    if (!keys) this.dirty.set(what, (keys = new Set()));
    keys.add(key);
  }

  /** Runs writes one after another; a failed write rejects its caller but not the next write. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Deletes the migration backup (durably, at once) and forgets it in the same change. Called
   * inside the change that would otherwise leave a text in the backup past its retention.
   */
  private dropBackup(tx: Tx): void {
    const note = this.s.migratedFrom;
    if (!note) return;
    const file = join(this.dataDir, note.backup);
    try {
      unlinkSync(file);
      fsyncDirSync(dirname(file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.s.migratedFrom = undefined;
    this.noted = undefined;
    this.mark('migratedFrom', '');
    tx.undo(() => {
      this.s.migratedFrom = note;
    });
  }

  /** What the migration backup holds that retention will reach (ids only). */
  private get backupHolds(): { tickets: Set<string>; outbox: Set<string> } | undefined {
    const note = this.s.migratedFrom;
    if (!note) return undefined;
    this.noted ??= { tickets: new Set(note.tickets), outbox: new Set(note.outbox) };
    return this.noted;
  }

  private putOutbox(tx: Tx, m: OutboxMessage): void {
    this.set(tx, 'outbox', m.id, m);
    this.cards = undefined;
    tx.undo(() => (this.cards = undefined));
  }

  async listPages(): Promise<StoredPage[]> {
    return this.content.data.pages;
  }

  applyCrawl(change: { upserted: StoredPage[]; removed: string[]; report: CrawlReport }): Promise<void> {
    return this.serial(async () => {
      const gone = new Set([...change.removed, ...change.upserted.map((p) => p.url)]);
      const pages = this.content.data.pages.filter((p) => !gone.has(p.url)).concat(change.upserted);
      const previous = this.content.data;
      this.content.data = { version: 1, pages, lastCrawl: change.report };
      try {
        await this.content.write();
      } catch (err) {
        this.content.data = previous;
        throw err;
      }
      if (gone.size) this.contentStamp++;
    });
  }

  async lastCrawlReport(): Promise<CrawlReport | undefined> {
    return this.content.data.lastCrawl;
  }

  /** One process: the status lives in memory (a restart ends any crawl anyway). */
  async saveCrawlStatus(status: CrawlStatusRecord): Promise<void> {
    this.crawlStatus = structuredClone(status);
  }

  /** One process (the lock file sees to that): an in-process flag is the whole claim. */
  async claimCrawl(): Promise<CrawlClaim | undefined> {
    if (this.crawlClaimed) return undefined;
    this.crawlClaimed = true;
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        this.crawlClaimed = false;
      },
    };
  }

  async getCrawlStatus(): Promise<CrawlStatusRecord | undefined> {
    return this.crawlStatus ? structuredClone(this.crawlStatus) : undefined;
  }

  async contentVersion(): Promise<number> {
    return this.contentStamp;
  }

  async ping(): Promise<void> {
    accessSync(this.dataDir, constants.W_OK);
  }

  recordQuestion(q: QuestionRecord): Promise<void> {
    return this.log.record(q);
  }

  async getQuestion(id: string): Promise<QuestionRecord | undefined> {
    return this.log.get(id);
  }

  async listQuestions(): Promise<QuestionRecord[]> {
    return this.log.list();
  }

  setFeedback(questionId: string, helpful: boolean, at: string): Promise<QuestionRecord | undefined> {
    return this.log.change(questionId, { feedback: { id: questionId, helpful, at } }, (q) => ({ ...q, feedback: { helpful, at } }));
  }

  setChoice(questionId: string, rank: number, at: string): Promise<QuestionRecord | undefined> {
    return this.log.change(questionId, { choice: { id: questionId, rank, at } }, (q) => ({ ...q, choice: { rank, at } }));
  }

  saveConversation(c: StoredConversation): Promise<void> {
    return this.commit.run((tx) => this.set(tx, 'conversations', c.key, c));
  }

  async getConversation(key: string): Promise<StoredConversation | undefined> {
    return this.s.conversations.get(key);
  }

  createTicket(year: number, build: (n: number) => Ticket, outbox?: (t: Ticket) => OutboxMessage[]): Promise<Ticket> {
    return this.commit.run((tx) => {
      const n = (this.s.ticketSeq.get(String(year)) ?? 0) + 1;
      const ticket = build(n);
      this.set(tx, 'ticketSeq', String(year), n);
      this.set(tx, 'tickets', ticket.id, ticket);
      if (outbox) for (const m of outbox(ticket)) this.putOutbox(tx, m);
      return structuredClone(ticket);
    });
  }

  async getTicket(id: string): Promise<Ticket | undefined> {
    const t = this.s.tickets.get(id);
    return t ? structuredClone(t) : undefined;
  }

  async listTickets(): Promise<Ticket[]> {
    return structuredClone([...this.s.tickets.values()]);
  }

  updateTicket(id: string, expectedVersion: number, change: (t: Ticket) => Ticket, outbox?: (t: Ticket) => OutboxMessage[]): Promise<TicketUpdate> {
    return this.commit.run((tx): TicketUpdate => {
      const current = this.s.tickets.get(id);
      if (!current) return { ok: false, reason: 'not-found' };
      if (current.version !== expectedVersion) return { ok: false, reason: 'stale', current: structuredClone(current) };
      const next = { ...change(structuredClone(current)), version: current.version + 1 };
      if (JSON.stringify(current.faq) !== JSON.stringify(next.faq)) this.contentStamp++;
      this.set(tx, 'tickets', id, next);
      if (outbox) for (const m of outbox(next)) this.putOutbox(tx, m);
      if (next.redactedAt && !current.redactedAt) {
        // Retention: the text must leave the journal too, so this write is a checkpoint.
        this.checkpointWanted = true;
        if (this.backupHolds?.tickets.has(id)) this.dropBackup(tx);
      }
      return { ok: true, ticket: structuredClone(next) };
    });
  }

  private bookingConflict(b: Booking, bufferMs: number): Booking | undefined {
    return bookingConflict([...this.s.bookings.values()], b, bufferMs);
  }

  createBooking(year: number, build: (n: number) => Booking, bufferMs: number, outbox?: (b: Booking) => OutboxMessage[]): Promise<{ ok: true; booking: Booking } | { ok: false; conflict: Booking }> {
    return this.commit.run((tx) => {
      const n = (this.s.bookingSeq.get(String(year)) ?? 0) + 1;
      const booking = build(n);
      const conflict = this.bookingConflict(booking, bufferMs);
      if (conflict) return { ok: false as const, conflict: structuredClone(conflict) };
      this.set(tx, 'bookingSeq', String(year), n);
      this.set(tx, 'bookings', booking.id, booking);
      if (outbox) for (const m of outbox(booking)) this.putOutbox(tx, m);
      return { ok: true as const, booking: structuredClone(booking) };
    });
  }

  async getBooking(id: string): Promise<Booking | undefined> {
    const b = this.s.bookings.get(id);
    return b ? structuredClone(b) : undefined;
  }

  async listBookings(): Promise<Booking[]> {
    return structuredClone([...this.s.bookings.values()]);
  }

  updateBooking(id: string, expectedVersion: number, change: (b: Booking) => Booking, bufferMs: number, outbox?: (b: Booking) => OutboxMessage[]) {
    type R = { ok: true; booking: Booking } | { ok: false; reason: 'stale'; current: Booking } | { ok: false; reason: 'not-found' } | { ok: false; reason: 'taken'; conflict: Booking };
    return this.commit.run((tx): R => {
      const current = this.s.bookings.get(id);
      if (!current) return { ok: false, reason: 'not-found' };
      if (current.version !== expectedVersion) return { ok: false, reason: 'stale', current: structuredClone(current) };
      const next = { ...change(structuredClone(current)), version: current.version + 1 };
      if (ACTIVE_BOOKING_STATES.includes(next.state)) {
        const conflict = this.bookingConflict(next, bufferMs);
        if (conflict) return { ok: false, reason: 'taken', conflict: structuredClone(conflict) };
      }
      this.set(tx, 'bookings', id, next);
      if (outbox) for (const m of outbox(next)) this.putOutbox(tx, m);
      return { ok: true, booking: structuredClone(next) };
    });
  }

  async secret(name: string): Promise<string> {
    const known = this.s.secrets.get(name);
    if (known) return known;
    return this.commit.run((tx) => {
      const again = this.s.secrets.get(name);
      if (again) return again;
      const made = randomBytes(32).toString('base64url');
      this.set(tx, 'secrets', name, made);
      return made;
    });
  }

  saveEscalationChannel(c: EscalationChannel): Promise<void> {
    return this.commit.run((tx) => {
      const before = this.s.channels;
      this.s.channels = before.filter((x) => x.conversationKey !== c.conversationKey).concat(c);
      this.mark('channels', '');
      tx.undo(() => (this.s.channels = before));
    });
  }

  async listEscalationChannels(): Promise<EscalationChannel[]> {
    return structuredClone(this.s.channels);
  }

  saveVeilederProfile(p: VeilederProfile): Promise<void> {
    return this.commit.run((tx) => this.set(tx, 'veiledere', p.userHash, p));
  }

  async getVeilederProfile(userHash: string): Promise<VeilederProfile | undefined> {
    const p = this.s.veiledere.get(userHash);
    return p ? { ...p } : undefined;
  }

  enqueueOutbox(messages: OutboxMessage[]): Promise<void> {
    return this.commit.run((tx) => {
      for (const m of messages) this.putOutbox(tx, m);
    });
  }

  claimOutbox(now: Date, leaseMs: number, limit: number): Promise<OutboxMessage[]> {
    return this.commit.run((tx) => {
      const t = now.getTime();
      const due = [...this.s.outbox.values()]
        .filter((m) => (m.status === 'pending' && Date.parse(m.nextAttemptAt) <= t) || (m.status === 'sending' && Date.parse(m.leaseUntil ?? '') <= t))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        .slice(0, limit)
        .map((m): OutboxMessage => ({ ...m, status: 'sending', leaseUntil: new Date(t + leaseMs).toISOString() }));
      for (const m of due) this.putOutbox(tx, m);
      return structuredClone(due);
    });
  }

  settleOutbox(id: string, patch: Partial<OutboxMessage>): Promise<OutboxMessage | undefined> {
    return this.commit.run((tx) => {
      const m = this.s.outbox.get(id);
      if (!m) return undefined;
      const next = { ...m, ...patch, id: m.id };
      this.putOutbox(tx, next);
      if (this.backupHolds?.outbox.has(id) && JSON.stringify(next.activity ?? {}) === '{}') this.dropBackup(tx);
      return structuredClone(next);
    });
  }

  async getOutboxMessage(id: string): Promise<OutboxMessage | undefined> {
    const m = this.s.outbox.get(id);
    return m ? structuredClone(m) : undefined;
  }

  async listOutbox(): Promise<OutboxMessage[]> {
    return structuredClone([...this.s.outbox.values()]);
  }

  async listUndeliveredOutbox(): Promise<OutboxMessage[]> {
    const out: OutboxMessage[] = [];
    for (const m of this.s.outbox.values()) if (m.status === 'pending' || m.status === 'sending') out.push(structuredClone({ ...m, activity: {} }));
    return out;
  }

  async listTicketCards(ticketId: string): Promise<OutboxMessage[]> {
    if (!this.cards) {
      this.cards = new Map();
      for (const m of this.s.outbox.values()) if (m.ticketId && m.card) this.cards.set(m.ticketId, [...(this.cards.get(m.ticketId) ?? []), m.id]);
    }
    return structuredClone((this.cards.get(ticketId) ?? []).map((id) => this.s.outbox.get(id)!));
  }

  pruneOutbox(before: string, keep: string[]): Promise<number> {
    const kept = new Set(keep);
    const gone = (m: OutboxMessage): boolean => (m.status === 'sent' || m.status === 'failed') && m.createdAt < before && !kept.has(m.id);
    if (![...this.s.outbox.values()].some(gone)) return Promise.resolve(0);
    return this.commit.run((tx) => {
      const outbox = this.s.outbox;
      const before = new Map(outbox);
      let n = 0;
      for (const m of before.values()) {
        if (!gone(m)) continue;
        outbox.delete(m.id);
        this.mark('outbox', m.id);
        n++;
      }
      this.cards = undefined;
      tx.undo(() => {
        outbox.clear();
        for (const [k, v] of before) outbox.set(k, v);
        this.cards = undefined;
      });
      return n;
    });
  }

  async redactQuestionTexts(before: string): Promise<number> {
    const note = this.s.migratedFrom;
    // The migration backup holds question texts too: it goes before the first of them is due.
    if (note && (Date.now() >= Date.parse(note.until) || (note.questionTextSince !== undefined && note.questionTextSince < before))) {
      await this.commit.run((tx) => this.dropBackup(tx));
    }
    return this.log.redact(before);
  }

  async listCalendarEvents(mailbox: string, from: Date, to: Date): Promise<StoredCalendarEvent[]> {
    const f = from.getTime();
    const t = to.getTime();
    return structuredClone(
      (this.s.calendarEvents.get(mailboxKey(mailbox)) ?? [])
        .filter((e) => Date.parse(e.start) < t && Date.parse(e.end) > f)
        .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id)),
    );
  }

  saveCalendarEvents(events: StoredCalendarEvent[]): Promise<StoredCalendarEvent[]> {
    return this.commit.run((tx) =>
      events.map((e) => {
        const key = mailboxKey(e.mailbox);
        const list = this.s.calendarEvents.get(key) ?? [];
        const existing = list.find((x) => x.id === e.id || (e.transactionId !== undefined && x.transactionId === e.transactionId));
        if (existing) return structuredClone(existing);
        const stored = { ...structuredClone(e), mailbox: key };
        this.set(tx, 'calendarEvents', key, [...list, stored]);
        return structuredClone(stored);
      }),
    );
  }

  async saveCalendarEvent(event: StoredCalendarEvent): Promise<StoredCalendarEvent> {
    const [saved] = await this.saveCalendarEvents([event]);
    return saved;
  }

  updateCalendarEvent(mailbox: string, id: string, patch: CalendarEventPatch): Promise<StoredCalendarEvent | undefined> {
    return this.commit.run((tx) => {
      const key = mailboxKey(mailbox);
      const list = this.s.calendarEvents.get(key) ?? [];
      const i = list.findIndex((x) => x.id === id);
      if (i < 0) return undefined;
      const { mailbox: _m, id: _i, transactionId: _t, createdAt: _c, ...allowed } = patch as Partial<StoredCalendarEvent>;
      const next = { ...list[i], ...structuredClone(allowed) };
      this.set(tx, 'calendarEvents', key, list.map((e, j) => (j === i ? next : e)));
      return structuredClone(next);
    });
  }

  async getCalendarEvent(mailbox: string, id: string): Promise<StoredCalendarEvent | undefined> {
    const e = this.s.calendarEvents.get(mailboxKey(mailbox))?.find((x) => x.id === id);
    return e ? structuredClone(e) : undefined;
  }

  setWorkingHours(mailbox: string, wh: WorkingHours): Promise<void> {
    return this.commit.run((tx) => this.set(tx, 'workingHours', mailboxKey(mailbox), structuredClone(wh)));
  }

  async getWorkingHours(mailbox: string): Promise<WorkingHours | undefined> {
    const wh = this.s.workingHours.get(mailboxKey(mailbox));
    return wh ? structuredClone(wh) : undefined;
  }

  /** For benchmarks: state writes so far and the changes they carried (their ratio is the group-commit factor). */
  commitStats(): { writes: number; changes: number } {
    return { writes: this.commit.writes, changes: this.commit.changesWritten };
  }

  async close(): Promise<void> {
    clearInterval(this.ager);
    clearInterval(this.beat);
    await this.queue;
    await this.commit.idle();
    await this.log.idle();
    // Not ours any more (another process took the directory over): write nothing, leave its lock.
    if (!ours(readLock(this.lockFile))) return;
    // A clean stop leaves everything in veiviser.json, and no old lines in the journal.
    if (this.journalBytes > 0) await this.checkpoint().catch(() => undefined);
    try {
      unlinkSync(this.lockFile);
    } catch {
      // Already gone.
    }
  }
}
