/**
 * The Store port: everything Veiviser keeps. The lowdb adapter (one JSON file per kind of data)
 * serves one instance; a PostgreSQL adapter for several instances follows the same contract.
 * Every method resolves only after the change is durable, so nothing a user is told about can
 * be lost afterwards.
 */
import type { Attendee, BusyStatus, WorkingHours } from '../calendar/calendar.js';
import type { CrawlReport, StoredPage } from '../faq/crawler.js';
import type { OutboxMessage } from '../outbox/types.js';
import type { Ticket } from '../tickets/model.js';
import type { Booking } from '../booking/model.js';

export type Decision = 'answer' | 'clarify' | 'escalate' | 'nav';

/** One question asked, for statistics. Holds no name, no message text for answered questions. */
export interface QuestionRecord {
  id: string;
  at: string;
  /** sha256 of the Teams user id (lets only the asker give feedback; not reversible to a name). */
  userHash: string;
  conversationType: string;
  tenantId?: string;
  office?: string;
  outcome: Decision;
  topUrl?: string;
  topSectionId?: string;
  coverage?: number;
  /**
   * For questions Veiviser could not answer only (content gaps for the web editors), with
   * number runs and e-mail addresses masked. Answered questions keep no text.
   */
  text?: string;
  /** Set when the veileder pressed Nyttig / Ikke nyttig. */
  feedback?: { helpful: boolean; at: string };
  /**
   * What the decision saw (numbers only, never text): its features and probabilities, so that
   * `npm run calibrate -- --from-usage` can refit it with the veiledere's feedback as labels.
   */
  decision?: { p1: number; p3: number; features: number[] };
  /** «Mente du …?»: which candidate the veileder chose (0-based), or -1 for «Ingen av disse». */
  choice?: { rank: number; at: string };
}

export interface StoredConversation {
  key: string;
  reference: Record<string, unknown>;
  updatedAt: string;
  /** When Veiviser greeted this conversation (it greets once). */
  welcomedAt?: string;
}

export interface Store {
  /** Crawled pages as of the last crawl. */
  listPages(): Promise<StoredPage[]>;
  /** Writes a crawl's changes and its report in one durable write. */
  applyCrawl(change: { upserted: StoredPage[]; removed: string[]; report: CrawlReport }): Promise<void>;
  lastCrawlReport(): Promise<CrawlReport | undefined>;
  /** The running (or last) crawl's progress, shared by all instances (the tab shows it). */
  saveCrawlStatus(status: CrawlStatusRecord): Promise<void>;
  getCrawlStatus(): Promise<CrawlStatusRecord | undefined>;
  /**
   * Claims the one crawl that may run across all instances, atomically: undefined when another
   * crawl holds the claim. The claim ends with `release()`, or by itself when the process dies.
   */
  claimCrawl(): Promise<CrawlClaim | undefined>;
  /**
   * A number that grows whenever what the search index is built from changes (a crawl that
   * changed pages, an answer saved as FAQ), so that every instance can rebuild its index when
   * another instance changed the content.
   */
  contentVersion(): Promise<number>;
  /** Resolves when the store can be read and written (readiness), rejects otherwise. */
  ping(): Promise<void>;
  recordQuestion(q: QuestionRecord): Promise<void>;
  getQuestion(id: string): Promise<QuestionRecord | undefined>;
  listQuestions(): Promise<QuestionRecord[]>;
  /** Stores feedback on a question; returns the updated record, or undefined if there is none. */
  setFeedback(questionId: string, helpful: boolean, at: string): Promise<QuestionRecord | undefined>;
  /** Records the «Mente du …?» choice (rank of the candidate, -1: none of them); undefined when the question is unknown. */
  setChoice(questionId: string, rank: number, at: string): Promise<QuestionRecord | undefined>;
  /** Conversation references kept at install for proactive messages (later issues). */
  saveConversation(c: StoredConversation): Promise<void>;
  getConversation(key: string): Promise<StoredConversation | undefined>;

  /**
   * Creates a ticket with the next number of its year (unique under concurrency), together with
   * the outbox messages that announce it, in one durable write.
   */
  createTicket(year: number, build: (number: number) => Ticket, outbox?: (t: Ticket) => OutboxMessage[]): Promise<Ticket>;
  getTicket(id: string): Promise<Ticket | undefined>;
  listTickets(): Promise<Ticket[]>;
  /**
   * Compare-and-set: applies `change` only if the ticket is still at `expectedVersion`; the new
   * version, the change's audit event (inside the ticket) and the outbox messages are written
   * together. A stale version changes nothing and returns the current ticket.
   */
  updateTicket(id: string, expectedVersion: number, change: (t: Ticket) => Ticket, outbox?: (t: Ticket) => OutboxMessage[]): Promise<TicketUpdate>;

  /** Sets (or replaces, by conversation key) an escalation channel. */
  saveEscalationChannel(c: EscalationChannel): Promise<void>;
  listEscalationChannels(): Promise<EscalationChannel[]>;
  saveVeilederProfile(p: VeilederProfile): Promise<void>;
  getVeilederProfile(userHash: string): Promise<VeilederProfile | undefined>;

  /**
   * Creates a booking (a held slot) with the next number of its year, unless an active booking
   * of the same counsellor overlaps its time (with `bufferMs` either side): then nothing is
   * written and the conflicting booking is returned. One durable write; never a double booking.
   */
  createBooking(year: number, build: (n: number) => Booking, bufferMs: number, outbox?: (b: Booking) => OutboxMessage[]): Promise<{ ok: true; booking: Booking } | { ok: false; conflict: Booking }>;
  getBooking(id: string): Promise<Booking | undefined>;
  listBookings(): Promise<Booking[]>;
  /** Compare-and-set like updateTicket; a change that would overlap another active booking fails with reason "taken". */
  updateBooking(id: string, expectedVersion: number, change: (b: Booking) => Booking, bufferMs: number, outbox?: (b: Booking) => OutboxMessage[]): Promise<{ ok: true; booking: Booking } | { ok: false; reason: 'stale'; current: Booking } | { ok: false; reason: 'not-found' } | { ok: false; reason: 'taken'; conflict: Booking }>;

  /** A random secret kept in the store, created on first use (e.g. for signed links). */
  secret(name: string): Promise<string>;

  enqueueOutbox(messages: OutboxMessage[]): Promise<void>;
  /** Takes up to `limit` messages due at `now` (pending, or sending with an expired lease) and leases them. */
  claimOutbox(now: Date, leaseMs: number, limit: number): Promise<OutboxMessage[]>;
  /** Records the outcome of a delivery attempt. */
  settleOutbox(id: string, patch: Partial<OutboxMessage>): Promise<OutboxMessage | undefined>;
  getOutboxMessage(id: string): Promise<OutboxMessage | undefined>;
  listOutbox(): Promise<OutboxMessage[]>;
  /**
   * Pending and sending messages only, in enqueue order, **with `activity` left empty**: the
   * worker's view for ordering and dependencies (the messages it delivers come whole from
   * claimOutbox), cheap when thousands of cards wait.
   */
  listUndeliveredOutbox(): Promise<OutboxMessage[]>;
  /** The ticket card posts of one ticket ("card" set), in enqueue order: what a later change updates. */
  listTicketCards(ticketId: string): Promise<OutboxMessage[]>;
  /**
   * Retention of the outbox: deletes delivered and failed messages created before `before`,
   * except those whose ids are in `keep` (cards a later change may still update). Returns how many.
   */
  pruneOutbox(before: string, keep: string[]): Promise<number>;
  /** Retention of the question log: drops the text of questions asked before `before`. Returns how many. */
  redactQuestionTexts(before: string): Promise<number>;

  /**
   * The embedded calendar (local use and demos): events of one mailbox overlapping [from, to),
   * cancelled ones included, by start time.
   */
  listCalendarEvents(mailbox: string, from: Date, to: Date): Promise<StoredCalendarEvent[]>;
  /**
   * Creates events once: an event whose transactionId (or id) is already in its mailbox is not
   * written again, and the stored one is returned in its place. All in one durable write.
   */
  saveCalendarEvents(events: StoredCalendarEvent[]): Promise<StoredCalendarEvent[]>;
  /** One event; as saveCalendarEvents. */
  saveCalendarEvent(event: StoredCalendarEvent): Promise<StoredCalendarEvent>;
  /** Changes a stored event in place (never its id, mailbox or transactionId); undefined if there is none. */
  updateCalendarEvent(mailbox: string, id: string, patch: CalendarEventPatch): Promise<StoredCalendarEvent | undefined>;
  getCalendarEvent(mailbox: string, id: string): Promise<StoredCalendarEvent | undefined>;
  setWorkingHours(mailbox: string, wh: WorkingHours): Promise<void>;
  getWorkingHours(mailbox: string): Promise<WorkingHours | undefined>;
  close(): Promise<void>;
  /** What this store can do beyond the contract above; a part it lacks, the app does without. */
  readonly capabilities?: StoreCapabilities;
}

/** Optional abilities of a store, so that callers ask the store rather than test its class. */
export interface StoreCapabilities {
  /** Rate-limit counts shared by every instance (PostgreSQL); absent: the limiters count in memory. */
  rateLimits?: RateLimitCounts;
  /**
   * Several instances share this store, so another instance may change the content the search
   * index is built from: each instance polls `contentVersion()`.
   */
  sharedByInstances?: boolean;
}

/** Fixed-window rate-limit counters kept in the store (see `StoreCapabilities.rateLimits`). */
export interface RateLimitCounts {
  /** One hit for a key in a window of `windowMs`: the hits in the current window and when it ends. */
  rateLimitHit(key: string, windowMs: number): Promise<{ totalHits: number; resetTime: Date }>;
  rateLimitUndo(key: string): Promise<void>;
  rateLimitReset(key: string): Promise<void>;
  /** Housekeeping: drops windows that ended long ago. */
  rateLimitPrune(): Promise<void>;
}

/** An event in the embedded calendar. Mailboxes are compared without regard to case. */
export interface StoredCalendarEvent {
  mailbox: string;
  id: string;
  subject: string;
  /** ISO instants. */
  start: string;
  end: string;
  /** As Graph's showAs; free and workingElsewhere events do not block a slot. */
  status: BusyStatus;
  /** From local midnight to local midnight (Europe/Oslo). */
  isAllDay?: boolean;
  isCancelled: boolean;
  cancelComment?: string;
  /** Idempotency key of the create (unique within the mailbox). */
  transactionId?: string;
  attendees: Attendee[];
  location?: string;
  joinUrl?: string;
  bodyHtml: string;
  createdAt: string;
  updatedAt: string;
}

export type CalendarEventPatch = Partial<Omit<StoredCalendarEvent, 'mailbox' | 'id' | 'transactionId' | 'createdAt'>>;

/** The right to run the one crawl (see `Store.claimCrawl`). */
export interface CrawlClaim {
  release(): Promise<void>;
}

/** A crawl's state as the tab shows it. */
export interface CrawlStatusRecord {
  running: boolean;
  startedAt?: string;
  finishedAt?: string;
  progress?: { done: number; queued: number; fetched: number; unchanged: number; failed: number };
  error?: string;
}

/** A team channel that receives escalated tickets, optionally only for some sections/regions. */
export interface EscalationChannel {
  /** Conversation key of the channel (its stored reference). */
  conversationKey: string;
  teamId: string;
  channelId: string;
  teamName?: string;
  channelName?: string;
  /** Sections routed here; empty = all. */
  sections: string[];
  /** Regions routed here; empty = all. */
  regions: string[];
  setBy: { id: string; name: string };
  setAt: string;
}

/** What Veiviser remembers about a veileder (no personal data beyond the Teams id hash). */
export interface VeilederProfile {
  userHash: string;
  office?: string;
  /** The region the veileder last booked a talk in (the booking form starts there next time). */
  region?: string;
  updatedAt: string;
}

export type TicketUpdate = { ok: true; ticket: Ticket } | { ok: false; reason: 'stale'; current: Ticket } | { ok: false; reason: 'not-found' };

/** Another running Veiviser process uses the same lowdb data directory. */
export class StoreLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number, readonly host?: string) {
    super(`Datamappa ${dir} brukes allerede av en annen Veiviser-prosess (pid ${pid}${host ? ` på ${host}, som har meldt seg det siste minuttet` : ''}). lowdb-lageret tåler bare én prosess: stopp den andre, bruk en annen VEIVISER_DATA_DIR, eller bruk PostgreSQL (DATABASE_URL) for flere instanser.`);
    this.name = 'StoreLockedError';
  }
}

/** A data file exists but cannot be read: the app stops rather than overwrite it. */
export class StoreCorruptError extends Error {
  constructor(readonly file: string, cause: Error) {
    super(`Datafila ${file} er ødelagt og kan ikke leses (${cause.message}). Veiviser starter ikke, for ikke å overskrive den: rett fila eller legg tilbake en sikkerhetskopi.`);
    this.name = 'StoreCorruptError';
  }
}
