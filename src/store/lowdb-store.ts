/**
 * Store on lowdb JSON files in one data directory: content.json (crawled pages, rewritten only
 * by a crawl) and veiviser.json (questions, feedback, conversation references, tickets, the
 * outbox, and the embedded calendar's events and working hours). lowdb writes
 * through steno: a temporary file renamed over the old one, so a crash mid-write leaves the
 * previous file. Writes are queued one at a time within the process.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { WorkingHours } from '../calendar/calendar.js';
import type { CrawlReport, StoredPage } from '../faq/crawler.js';
import type { OutboxMessage } from '../outbox/types.js';
import type { Ticket } from '../tickets/model.js';
import { ACTIVE_BOOKING_STATES, type Booking } from '../booking/model.js';
import { bookingConflict } from './booking-conflict.js';
import { StoreCorruptError, StoreLockedError, type CrawlClaim, type CrawlStatusRecord, type QuestionRecord, type Store, type StoredConversation, type TicketUpdate, type EscalationChannel, type VeilederProfile, type StoredCalendarEvent, type CalendarEventPatch } from './store.js';

interface ContentData { version: 1; pages: StoredPage[]; lastCrawl?: CrawlReport }
interface AppData {
  version: 1;
  questions: QuestionRecord[];
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
}

const mailboxKey = (mailbox: string): string => mailbox.trim().toLowerCase();

async function open<T>(file: string, empty: T): Promise<Low<T>> {
  const db = new Low<T>(new JSONFile<T>(file), empty);
  try {
    await db.read();
  } catch (err) {
    throw new StoreCorruptError(file, err as Error);
  }
  if (db.data === null || typeof db.data !== 'object') throw new StoreCorruptError(file, new Error('innholdet er ikke et JSON-objekt'));
  return db;
}

/**
 * One process per data directory: a lock file holding the owner's pid and host. A lock left by a
 * process that no longer runs (a crash, kill -9) is taken over; a live owner stops the start.
 */
function takeLock(dataDir: string): string {
  const file = join(dataDir, 'veiviser.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
      closeSync(fd);
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: { pid?: number; host?: string } = {};
      try {
        owner = JSON.parse(readFileSync(file, 'utf8')) as typeof owner;
      } catch {
        // Unreadable or half-written lock: treated as stale below.
      }
      const alive = (pid: number): boolean => {
        try {
          process.kill(pid, 0);
          return true;
        } catch (e) {
          return (e as NodeJS.ErrnoException).code === 'EPERM';
        }
      };
      if (owner.pid && owner.pid !== process.pid && (owner.host !== hostname() || alive(owner.pid))) throw new StoreLockedError(dataDir, owner.pid);
      try {
        unlinkSync(file);
      } catch {
        // Someone else removed it first; try again.
      }
    }
  }
  throw new Error(`Kunne ikke låse datamappa ${dataDir}.`);
}

export class LowdbStore implements Store {
  private queue: Promise<unknown> = Promise.resolve();
  /** Grows with content changes (one process: memory is enough; a restart rebuilds the index anyway). */
  private contentStamp = 0;
  private crawlStatus?: CrawlStatusRecord;
  private crawlClaimed = false;
  private constructor(private readonly content: Low<ContentData>, private readonly app: Low<AppData>, private readonly dataDir: string, private readonly lockFile: string) {}

  static async open(dataDir: string): Promise<LowdbStore> {
    mkdirSync(dataDir, { recursive: true });
    const lockFile = takeLock(dataDir);
    try {
      return await LowdbStore.openLocked(dataDir, lockFile);
    } catch (err) {
      try { unlinkSync(lockFile); } catch { /* already gone */ }
      throw err;
    }
  }

  private static async openLocked(dataDir: string, lockFile: string): Promise<LowdbStore> {
    const content = await open<ContentData>(join(dataDir, 'content.json'), { version: 1, pages: [] });
    const app = await open<AppData>(join(dataDir, 'veiviser.json'), { version: 1, questions: [], conversations: {}, tickets: [], ticketSeq: {}, outbox: [], channels: [], veiledere: {}, bookings: [], bookingSeq: {}, calendarEvents: {}, workingHours: {}, secrets: {} });
    if (!Array.isArray(content.data.pages)) throw new StoreCorruptError(join(dataDir, 'content.json'), new Error('"pages" mangler'));
    if (!Array.isArray(app.data.questions) || typeof app.data.conversations !== 'object') throw new StoreCorruptError(join(dataDir, 'veiviser.json'), new Error('"questions" eller "conversations" mangler'));
    // Files written before tickets existed get the new collections.
    app.data.tickets ??= [];
    app.data.ticketSeq ??= {};
    app.data.outbox ??= [];
    app.data.channels ??= [];
    app.data.bookings ??= [];
    app.data.bookingSeq ??= {};
    app.data.secrets ??= {};
    app.data.veiledere ??= {};
    app.data.calendarEvents ??= {};
    app.data.workingHours ??= {};
    if (!Array.isArray(app.data.tickets) || !Array.isArray(app.data.outbox) || !Array.isArray(app.data.bookings)) throw new StoreCorruptError(join(dataDir, 'veiviser.json'), new Error('"tickets" eller "outbox" er ikke lister'));
    const isRecord = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (!isRecord(app.data.calendarEvents) || !Object.values(app.data.calendarEvents).every(Array.isArray) || !isRecord(app.data.workingHours)) {
      throw new StoreCorruptError(join(dataDir, 'veiviser.json'), new Error('"calendarEvents" eller "workingHours" har feil form'));
    }
    // One process per data directory (the lock above): a message left "sending" was leased by a
    // process that is gone, so it is offered again at once instead of after its lease.
    for (const m of app.data.outbox) {
      if (m.status === 'sending') {
        m.status = 'pending';
        m.leaseUntil = undefined;
      }
    }
    return new LowdbStore(content, app, dataDir, lockFile);
  }

  /** Runs writes one after another; a failed write rejects its caller but not the next write. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
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
    return this.serial(async () => {
      this.app.data.questions.push(q);
      try {
        await this.app.write();
      } catch (err) {
        this.app.data.questions.pop();
        throw err;
      }
    });
  }

  async getQuestion(id: string): Promise<QuestionRecord | undefined> {
    return this.app.data.questions.find((q) => q.id === id);
  }

  async listQuestions(): Promise<QuestionRecord[]> {
    return [...this.app.data.questions];
  }

  setFeedback(questionId: string, helpful: boolean, at: string): Promise<QuestionRecord | undefined> {
    return this.serial(async () => {
      const q = this.app.data.questions.find((x) => x.id === questionId);
      if (!q) return undefined;
      const before = q.feedback;
      q.feedback = { helpful, at };
      try {
        await this.app.write();
      } catch (err) {
        q.feedback = before;
        throw err;
      }
      return { ...q };
    });
  }
  setChoice(questionId: string, rank: number, at: string): Promise<QuestionRecord | undefined> {
    return this.serial(async () => {
      const q = this.app.data.questions.find((x) => x.id === questionId);
      if (!q) return undefined;
      const before = q.choice;
      q.choice = { rank, at };
      try {
        await this.app.write();
      } catch (err) {
        q.choice = before;
        throw err;
      }
      return { ...q };
    });
  }

  saveConversation(c: StoredConversation): Promise<void> {
    return this.serial(async () => {
      const before = this.app.data.conversations[c.key];
      this.app.data.conversations[c.key] = c;
      try {
        await this.app.write();
      } catch (err) {
        if (before) this.app.data.conversations[c.key] = before;
        else delete this.app.data.conversations[c.key];
        throw err;
      }
    });
  }

  async getConversation(key: string): Promise<StoredConversation | undefined> {
    return this.app.data.conversations[key];
  }

  /**
   * Applies an in-memory change to the app data and writes it; on a failed write the data is
   * restored from a snapshot, so memory never holds what the file does not.
   */
  private commitApp<T>(change: () => T): Promise<T> {
    return this.serial(async () => {
      const snapshot = structuredClone(this.app.data);
      const result = change();
      try {
        await this.app.write();
      } catch (err) {
        this.app.data = snapshot;
        throw err;
      }
      return result;
    });
  }

  createTicket(year: number, build: (n: number) => Ticket, outbox?: (t: Ticket) => OutboxMessage[]): Promise<Ticket> {
    return this.commitApp(() => {
      const n = (this.app.data.ticketSeq[String(year)] ?? 0) + 1;
      const ticket = build(n);
      this.app.data.ticketSeq[String(year)] = n;
      this.app.data.tickets.push(ticket);
      if (outbox) this.app.data.outbox.push(...outbox(ticket));
      return structuredClone(ticket);
    });
  }

  async getTicket(id: string): Promise<Ticket | undefined> {
    const t = this.app.data.tickets.find((x) => x.id === id);
    return t ? structuredClone(t) : undefined;
  }

  async listTickets(): Promise<Ticket[]> {
    return structuredClone(this.app.data.tickets);
  }

  updateTicket(id: string, expectedVersion: number, change: (t: Ticket) => Ticket, outbox?: (t: Ticket) => OutboxMessage[]): Promise<TicketUpdate> {
    return this.commitApp((): TicketUpdate => {
      const i = this.app.data.tickets.findIndex((x) => x.id === id);
      if (i < 0) return { ok: false, reason: 'not-found' };
      const current = this.app.data.tickets[i];
      if (current.version !== expectedVersion) return { ok: false, reason: 'stale', current: structuredClone(current) };
      const next = { ...change(structuredClone(current)), version: current.version + 1 };
      if (JSON.stringify(current.faq) !== JSON.stringify(next.faq)) this.contentStamp++;
      this.app.data.tickets[i] = next;
      if (outbox) this.app.data.outbox.push(...outbox(next));
      return { ok: true, ticket: structuredClone(next) };
    });
  }

  private bookingConflict(b: Booking, bufferMs: number): Booking | undefined {
    return bookingConflict(this.app.data.bookings, b, bufferMs);
  }

  createBooking(year: number, build: (n: number) => Booking, bufferMs: number, outbox?: (b: Booking) => OutboxMessage[]): Promise<{ ok: true; booking: Booking } | { ok: false; conflict: Booking }> {
    return this.commitApp(() => {
      const n = (this.app.data.bookingSeq[String(year)] ?? 0) + 1;
      const booking = build(n);
      const conflict = this.bookingConflict(booking, bufferMs);
      if (conflict) return { ok: false as const, conflict: structuredClone(conflict) };
      this.app.data.bookingSeq[String(year)] = n;
      this.app.data.bookings.push(booking);
      if (outbox) this.app.data.outbox.push(...outbox(booking));
      return { ok: true as const, booking: structuredClone(booking) };
    });
  }

  async getBooking(id: string): Promise<Booking | undefined> {
    const b = this.app.data.bookings.find((x) => x.id === id);
    return b ? structuredClone(b) : undefined;
  }

  async listBookings(): Promise<Booking[]> {
    return structuredClone(this.app.data.bookings);
  }

  updateBooking(id: string, expectedVersion: number, change: (b: Booking) => Booking, bufferMs: number, outbox?: (b: Booking) => OutboxMessage[]) {
    type R = { ok: true; booking: Booking } | { ok: false; reason: 'stale'; current: Booking } | { ok: false; reason: 'not-found' } | { ok: false; reason: 'taken'; conflict: Booking };
    return this.commitApp((): R => {
      const i = this.app.data.bookings.findIndex((x) => x.id === id);
      if (i < 0) return { ok: false, reason: 'not-found' };
      const current = this.app.data.bookings[i];
      if (current.version !== expectedVersion) return { ok: false, reason: 'stale', current: structuredClone(current) };
      const next = { ...change(structuredClone(current)), version: current.version + 1 };
      if (ACTIVE_BOOKING_STATES.includes(next.state)) {
        const conflict = this.bookingConflict(next, bufferMs);
        if (conflict) return { ok: false, reason: 'taken', conflict: structuredClone(conflict) };
      }
      this.app.data.bookings[i] = next;
      if (outbox) this.app.data.outbox.push(...outbox(next));
      return { ok: true, booking: structuredClone(next) };
    });
  }

  async secret(name: string): Promise<string> {
    const known = this.app.data.secrets[name];
    if (known) return known;
    return this.commitApp(() => (this.app.data.secrets[name] ??= randomBytes(32).toString('base64url')));
  }

  saveEscalationChannel(c: EscalationChannel): Promise<void> {
    return this.commitApp(() => {
      this.app.data.channels = this.app.data.channels.filter((x) => x.conversationKey !== c.conversationKey).concat(c);
    });
  }

  async listEscalationChannels(): Promise<EscalationChannel[]> {
    return structuredClone(this.app.data.channels);
  }

  saveVeilederProfile(p: VeilederProfile): Promise<void> {
    return this.commitApp(() => {
      this.app.data.veiledere[p.userHash] = p;
    });
  }

  async getVeilederProfile(userHash: string): Promise<VeilederProfile | undefined> {
    const p = this.app.data.veiledere[userHash];
    return p ? { ...p } : undefined;
  }

  enqueueOutbox(messages: OutboxMessage[]): Promise<void> {
    return this.commitApp(() => {
      this.app.data.outbox.push(...messages);
    });
  }

  claimOutbox(now: Date, leaseMs: number, limit: number): Promise<OutboxMessage[]> {
    return this.commitApp(() => {
      const t = now.getTime();
      const due = this.app.data.outbox
        .filter((m) => (m.status === 'pending' && Date.parse(m.nextAttemptAt) <= t) || (m.status === 'sending' && Date.parse(m.leaseUntil ?? '') <= t))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        .slice(0, limit);
      for (const m of due) {
        m.status = 'sending';
        m.leaseUntil = new Date(t + leaseMs).toISOString();
      }
      return structuredClone(due);
    });
  }

  settleOutbox(id: string, patch: Partial<OutboxMessage>): Promise<OutboxMessage | undefined> {
    return this.commitApp(() => {
      const m = this.app.data.outbox.find((x) => x.id === id);
      if (!m) return undefined;
      Object.assign(m, patch, { id: m.id });
      return structuredClone(m);
    });
  }

  async getOutboxMessage(id: string): Promise<OutboxMessage | undefined> {
    const m = this.app.data.outbox.find((x) => x.id === id);
    return m ? structuredClone(m) : undefined;
  }

  async listOutbox(): Promise<OutboxMessage[]> {
    return structuredClone(this.app.data.outbox);
  }

  async listUndeliveredOutbox(): Promise<OutboxMessage[]> {
    return this.app.data.outbox.filter((m) => m.status === 'pending' || m.status === 'sending').map((m) => structuredClone({ ...m, activity: {} }));
  }

  async listTicketCards(ticketId: string): Promise<OutboxMessage[]> {
    return structuredClone(this.app.data.outbox.filter((m) => m.ticketId === ticketId && m.card));
  }

  pruneOutbox(before: string, keep: string[]): Promise<number> {
    const kept = new Set(keep);
    const gone = (m: OutboxMessage): boolean => (m.status === 'sent' || m.status === 'failed') && m.createdAt < before && !kept.has(m.id);
    if (!this.app.data.outbox.some(gone)) return Promise.resolve(0);
    return this.commitApp(() => {
      const n = this.app.data.outbox.length;
      this.app.data.outbox = this.app.data.outbox.filter((m) => !gone(m));
      return n - this.app.data.outbox.length;
    });
  }

  redactQuestionTexts(before: string): Promise<number> {
    const due = (q: QuestionRecord): boolean => q.text !== undefined && q.at < before;
    if (!this.app.data.questions.some(due)) return Promise.resolve(0);
    return this.commitApp(() => {
      let n = 0;
      for (const q of this.app.data.questions) if (due(q)) { delete q.text; n++; }
      return n;
    });
  }

  async listCalendarEvents(mailbox: string, from: Date, to: Date): Promise<StoredCalendarEvent[]> {
    const f = from.getTime();
    const t = to.getTime();
    return structuredClone(
      (this.app.data.calendarEvents[mailboxKey(mailbox)] ?? [])
        .filter((e) => Date.parse(e.start) < t && Date.parse(e.end) > f)
        .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id)),
    );
  }

  saveCalendarEvents(events: StoredCalendarEvent[]): Promise<StoredCalendarEvent[]> {
    return this.commitApp(() =>
      events.map((e) => {
        const key = mailboxKey(e.mailbox);
        const list = (this.app.data.calendarEvents[key] ??= []);
        const existing = list.find((x) => x.id === e.id || (e.transactionId !== undefined && x.transactionId === e.transactionId));
        if (existing) return structuredClone(existing);
        const stored = { ...structuredClone(e), mailbox: key };
        list.push(stored);
        return structuredClone(stored);
      }),
    );
  }

  async saveCalendarEvent(event: StoredCalendarEvent): Promise<StoredCalendarEvent> {
    const [saved] = await this.saveCalendarEvents([event]);
    return saved;
  }

  updateCalendarEvent(mailbox: string, id: string, patch: CalendarEventPatch): Promise<StoredCalendarEvent | undefined> {
    return this.commitApp(() => {
      const e = this.app.data.calendarEvents[mailboxKey(mailbox)]?.find((x) => x.id === id);
      if (!e) return undefined;
      const { mailbox: _m, id: _i, transactionId: _t, createdAt: _c, ...allowed } = patch as Partial<StoredCalendarEvent>;
      Object.assign(e, structuredClone(allowed));
      return structuredClone(e);
    });
  }

  async getCalendarEvent(mailbox: string, id: string): Promise<StoredCalendarEvent | undefined> {
    const e = this.app.data.calendarEvents[mailboxKey(mailbox)]?.find((x) => x.id === id);
    return e ? structuredClone(e) : undefined;
  }

  setWorkingHours(mailbox: string, wh: WorkingHours): Promise<void> {
    return this.commitApp(() => {
      this.app.data.workingHours[mailboxKey(mailbox)] = structuredClone(wh);
    });
  }

  async getWorkingHours(mailbox: string): Promise<WorkingHours | undefined> {
    const wh = this.app.data.workingHours[mailboxKey(mailbox)];
    return wh ? structuredClone(wh) : undefined;
  }

  async close(): Promise<void> {
    await this.queue;
    try {
      unlinkSync(this.lockFile);
    } catch {
      // Already gone.
    }
  }
}
