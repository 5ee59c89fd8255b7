/**
 * The Store port: everything Veiviser keeps. The lowdb adapter (one JSON file per kind of data)
 * serves one instance; a PostgreSQL adapter for several instances follows the same contract.
 * Every method resolves only after the change is durable, so nothing a user is told about can
 * be lost afterwards.
 */
import type { CrawlReport, StoredPage } from '../faq/crawler.js';
import type { OutboxMessage } from '../outbox/types.js';
import type { Ticket } from '../tickets/model.js';

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
  recordQuestion(q: QuestionRecord): Promise<void>;
  getQuestion(id: string): Promise<QuestionRecord | undefined>;
  listQuestions(): Promise<QuestionRecord[]>;
  /** Stores feedback on a question; returns the updated record, or undefined if there is none. */
  setFeedback(questionId: string, helpful: boolean, at: string): Promise<QuestionRecord | undefined>;
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

  enqueueOutbox(messages: OutboxMessage[]): Promise<void>;
  /** Takes up to `limit` messages due at `now` (pending, or sending with an expired lease) and leases them. */
  claimOutbox(now: Date, leaseMs: number, limit: number): Promise<OutboxMessage[]>;
  /** Records the outcome of a delivery attempt. */
  settleOutbox(id: string, patch: Partial<OutboxMessage>): Promise<OutboxMessage | undefined>;
  getOutboxMessage(id: string): Promise<OutboxMessage | undefined>;
  listOutbox(): Promise<OutboxMessage[]>;
  close(): Promise<void>;
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
  updatedAt: string;
}

export type TicketUpdate = { ok: true; ticket: Ticket } | { ok: false; reason: 'stale'; current: Ticket } | { ok: false; reason: 'not-found' };

/** A data file exists but cannot be read: the app stops rather than overwrite it. */
export class StoreCorruptError extends Error {
  constructor(readonly file: string, cause: Error) {
    super(`Datafila ${file} er ødelagt og kan ikke leses (${cause.message}). Veiviser starter ikke, for ikke å overskrive den: rett fila eller legg tilbake en sikkerhetskopi.`);
    this.name = 'StoreCorruptError';
  }
}
