/**
 * Store on PostgreSQL (14+), for several instances behind a load balancer. Chosen by
 * DATABASE_URL; the schema is migrated with node-pg-migrate at start (src/store/migrations/,
 * under the tool's advisory lock, so instances starting together migrate once).
 *
 * Exactly once across instances comes from the database, never from an in-process mutex:
 * - ticket and booking numbers: the per-year counter row is locked by the increment, so
 *   concurrent creators queue on it and numbers are sequential without gaps;
 * - compare-and-set updates: the row is read FOR UPDATE, the version compared, the change, its
 *   audit event and its outbox messages written in one transaction;
 * - slot holds: a transaction-scoped advisory lock per counsellor mailbox around the overlap
 *   check and the insert;
 * - the outbox: messages are claimed with FOR UPDATE SKIP LOCKED and leased, so two workers
 *   never hold the same message;
 * - calendar events: unique (mailbox, transactionId) with ON CONFLICT DO NOTHING.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import type { Logger } from 'pino';
import type { WorkingHours } from '../calendar/calendar.js';
import type { CrawlReport, StoredPage } from '../faq/crawler.js';
import type { OutboxMessage } from '../outbox/types.js';
import type { Ticket } from '../tickets/model.js';
import { ACTIVE_BOOKING_STATES, type Booking } from '../booking/model.js';
import { bookingConflict } from './booking-conflict.js';
import type { CalendarEventPatch, CrawlClaim, CrawlStatusRecord, EscalationChannel, QuestionRecord, RateLimitCounts, Store, StoreCapabilities, StoredCalendarEvent, StoredConversation, TicketUpdate, VeilederProfile } from './store.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));
const mailboxKey = (mailbox: string): string => mailbox.trim().toLowerCase();
type Q = pg.PoolClient | pg.Pool;
type BookingUpdate = { ok: true; booking: Booking } | { ok: false; reason: 'stale'; current: Booking } | { ok: false; reason: 'not-found' } | { ok: false; reason: 'taken'; conflict: Booking };

/** JSON for a jsonb parameter (undefined fields dropped, as in the lowdb files). */
const j = (v: unknown): string => JSON.stringify(v);

export interface PgStoreOptions {
  url: string;
  /** Connections per instance. */
  poolSize?: number;
  log?: Logger;
}

export class PgStore implements Store, RateLimitCounts {
  /** Shared by all instances: rate limits counted in the database, content changed by any instance. */
  readonly capabilities: StoreCapabilities = { rateLimits: this, sharedByInstances: true };
  private constructor(private readonly pool: pg.Pool, private readonly log?: Logger) {}

  static async open(o: PgStoreOptions): Promise<PgStore> {
    const pool = new pg.Pool({ connectionString: o.url, max: o.poolSize ?? 10, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
    // A connection that breaks while idle (the server restarted) must not crash the process.
    pool.on('error', (err) => o.log?.warn({ event: 'pg_idle_client_error', err: err.message }));
    try {
      await runner({
        databaseUrl: o.url, dir: MIGRATIONS, direction: 'up', migrationsTable: 'pgmigrations', count: Infinity,
        log: (msg: string) => o.log?.debug({ event: 'migration', msg }), verbose: false,
      });
    } catch (err) {
      await pool.end();
      throw new Error(`Kunne ikke migrere databasen (${(err as Error).message}).`, { cause: err });
    }
    return new PgStore(pool, o.log);
  }

  /** Runs `fn` in a transaction (READ COMMITTED; the locks above give the guarantees), retrying serialization and deadlock failures. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const c = await this.pool.connect();
      // A connection that breaks mid-transaction (the server restarted) fails this call, not the process.
      const onError = (err: Error) => this.log?.warn({ event: 'pg_client_error', err: err.message });
      c.on('error', onError);
      try {
        await c.query('BEGIN');
        const r = await fn(c);
        await c.query('COMMIT');
        return r;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        const code = (err as { code?: string }).code;
        if ((code === '40001' || code === '40P01') && attempt < 5) continue;
        throw err;
      } finally {
        c.off('error', onError);
        c.release();
      }
    }
  }

  private async rows<T>(q: Q, sql: string, params: unknown[] = []): Promise<T[]> {
    return (await q.query(sql, params)).rows.map((r: { data: T }) => r.data);
  }

  /**
   * One hit for a rate-limit key in a fixed window, counted in the database so that all
   * instances share one limit. Returns the hits in the current window and when it ends.
   */
  async rateLimitHit(key: string, windowMs: number): Promise<{ totalHits: number; resetTime: Date }> {
    const r = await this.pool.query(
      `INSERT INTO rate_limits (key, hits, reset_at) VALUES ($1, 1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_limits.reset_at <= now() THEN 1 ELSE rate_limits.hits + 1 END,
         reset_at = CASE WHEN rate_limits.reset_at <= now() THEN now() + $2 * interval '1 millisecond' ELSE rate_limits.reset_at END
       RETURNING hits, reset_at`,
      [key, windowMs],
    );
    return { totalHits: r.rows[0].hits as number, resetTime: new Date(r.rows[0].reset_at as string) };
  }

  async rateLimitUndo(key: string): Promise<void> {
    await this.pool.query('UPDATE rate_limits SET hits = greatest(hits - 1, 0) WHERE key = $1', [key]);
  }

  async rateLimitReset(key: string): Promise<void> {
    await this.pool.query('DELETE FROM rate_limits WHERE key = $1', [key]);
  }

  /** Housekeeping: windows that ended an hour ago. */
  async rateLimitPrune(): Promise<void> {
    await this.pool.query(`DELETE FROM rate_limits WHERE reset_at < now() - interval '1 hour'`);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async listPages(): Promise<StoredPage[]> {
    return this.rows(this.pool, 'SELECT data FROM pages ORDER BY seq');
  }

  applyCrawl(change: { upserted: StoredPage[]; removed: string[]; report: CrawlReport }): Promise<void> {
    return this.tx(async (c) => {
      const gone = [...change.removed, ...change.upserted.map((p) => p.url)];
      if (gone.length) await c.query('DELETE FROM pages WHERE url = ANY($1)', [gone]);
      for (const p of change.upserted) await c.query('INSERT INTO pages (url, data) VALUES ($1, $2)', [p.url, j(p)]);
      await c.query(`INSERT INTO meta (key, value) VALUES ('last_crawl', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [j(change.report)]);
      if (gone.length) await this.bumpContent(c);
    });
  }

  private async bumpContent(c: Q): Promise<void> {
    await c.query(`UPDATE meta SET value = to_jsonb((value #>> '{}')::bigint + 1) WHERE key = 'content_version'`);
  }

  async contentVersion(): Promise<number> {
    const r = await this.pool.query(`SELECT value #>> '{}' AS v FROM meta WHERE key = 'content_version'`);
    return Number(r.rows[0]?.v ?? 0);
  }

  async lastCrawlReport(): Promise<CrawlReport | undefined> {
    const r = await this.pool.query(`SELECT value FROM meta WHERE key = 'last_crawl'`);
    return r.rows[0]?.value as CrawlReport | undefined;
  }

  async saveCrawlStatus(status: CrawlStatusRecord): Promise<void> {
    await this.pool.query(`INSERT INTO meta (key, value) VALUES ('crawl_status', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [j(status)]);
  }

  /**
   * A session-level advisory lock on a connection of its own, held for the whole crawl: the
   * database lets one session hold it, and drops it when that connection ends — on release, or
   * when the process dies and its connections close.
   */
  async claimCrawl(): Promise<CrawlClaim | undefined> {
    const client = await this.pool.connect();
    // A broken connection while the claim is held: the lock is gone with it; say so, do not crash.
    const onError = (): void => undefined;
    client.on('error', onError);
    let got = false;
    try {
      got = (await client.query(`SELECT pg_try_advisory_lock(hashtext('veiviser:crawl')) AS got`)).rows[0].got as boolean;
    } finally {
      if (!got) {
        client.off('error', onError);
        client.release();
      }
    }
    if (!got) return undefined;
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        try {
          await client.query(`SELECT pg_advisory_unlock(hashtext('veiviser:crawl'))`);
          client.off('error', onError);
          client.release();
        } catch (err) {
          // The connection is broken (and with it the lock): throw it away rather than reuse it.
          client.release(err as Error);
        }
      },
    };
  }

  async getCrawlStatus(): Promise<CrawlStatusRecord | undefined> {
    const r = await this.pool.query(`SELECT value FROM meta WHERE key = 'crawl_status'`);
    return r.rows[0]?.value as CrawlStatusRecord | undefined;
  }

  async recordQuestion(q: QuestionRecord): Promise<void> {
    await this.pool.query('INSERT INTO questions (id, at, data) VALUES ($1, $2, $3)', [q.id, q.at, j(q)]);
  }

  async getQuestion(id: string): Promise<QuestionRecord | undefined> {
    return (await this.rows<QuestionRecord>(this.pool, 'SELECT data FROM questions WHERE id = $1', [id]))[0];
  }

  async listQuestions(): Promise<QuestionRecord[]> {
    return this.rows(this.pool, 'SELECT data FROM questions ORDER BY seq');
  }

  async setFeedback(questionId: string, helpful: boolean, at: string): Promise<QuestionRecord | undefined> {
    const r = await this.pool.query(`UPDATE questions SET data = jsonb_set(data, '{feedback}', $2) WHERE id = $1 RETURNING data`, [questionId, j({ helpful, at })]);
    return r.rows[0]?.data as QuestionRecord | undefined;
  }

  async setChoice(questionId: string, rank: number, at: string): Promise<QuestionRecord | undefined> {
    const r = await this.pool.query(`UPDATE questions SET data = jsonb_set(data, '{choice}', $2) WHERE id = $1 RETURNING data`, [questionId, j({ rank, at })]);
    return r.rows[0]?.data as QuestionRecord | undefined;
  }

  async saveConversation(c: StoredConversation): Promise<void> {
    await this.pool.query('INSERT INTO conversations (key, data) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data', [c.key, j(c)]);
  }

  async getConversation(key: string): Promise<StoredConversation | undefined> {
    return (await this.rows<StoredConversation>(this.pool, 'SELECT data FROM conversations WHERE key = $1', [key]))[0];
  }

  private async insertOutbox(c: Q, messages: OutboxMessage[]): Promise<void> {
    for (const m of messages) {
      await c.query('INSERT INTO outbox (id, conversation_key, status, next_attempt_at, lease_until, created_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)', [m.id, m.conversationKey, m.status, m.nextAttemptAt, m.leaseUntil ?? null, m.createdAt, j(m)]);
    }
  }

  createTicket(year: number, build: (n: number) => Ticket, outbox?: (t: Ticket) => OutboxMessage[]): Promise<Ticket> {
    return this.tx(async (c) => {
      // The counter row stays locked until commit: concurrent creators take numbers one by one.
      const r = await c.query('INSERT INTO ticket_seq (year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET last = ticket_seq.last + 1 RETURNING last', [year]);
      const t = build(r.rows[0].last as number);
      await c.query('INSERT INTO tickets (id, year, number, version, state, data) VALUES ($1, $2, $3, $4, $5, $6)', [t.id, t.year, t.number, t.version, t.state, j(t)]);
      if (outbox) await this.insertOutbox(c, outbox(t));
      return t;
    });
  }

  async getTicket(id: string): Promise<Ticket | undefined> {
    return (await this.rows<Ticket>(this.pool, 'SELECT data FROM tickets WHERE id = $1', [id]))[0];
  }

  async listTickets(): Promise<Ticket[]> {
    return this.rows(this.pool, 'SELECT data FROM tickets ORDER BY seq');
  }

  updateTicket(id: string, expectedVersion: number, change: (t: Ticket) => Ticket, outbox?: (t: Ticket) => OutboxMessage[]): Promise<TicketUpdate> {
    return this.tx(async (c): Promise<TicketUpdate> => {
      const [current] = await this.rows<Ticket>(c, 'SELECT data FROM tickets WHERE id = $1 FOR UPDATE', [id]);
      if (!current) return { ok: false, reason: 'not-found' };
      if (current.version !== expectedVersion) return { ok: false, reason: 'stale', current };
      const next = JSON.parse(j({ ...change(structuredClone(current)), version: current.version + 1 })) as Ticket;
      await c.query('UPDATE tickets SET version = $2, state = $3, data = $4 WHERE id = $1', [id, next.version, next.state, j(next)]);
      if (j(current.faq) !== j(next.faq)) await this.bumpContent(c);
      if (outbox) await this.insertOutbox(c, outbox(next));
      return { ok: true, ticket: next };
    });
  }

  async saveEscalationChannel(ch: EscalationChannel): Promise<void> {
    await this.tx(async (c) => {
      await c.query('DELETE FROM escalation_channels WHERE conversation_key = $1', [ch.conversationKey]);
      await c.query('INSERT INTO escalation_channels (conversation_key, data) VALUES ($1, $2)', [ch.conversationKey, j(ch)]);
    });
  }

  async listEscalationChannels(): Promise<EscalationChannel[]> {
    return this.rows(this.pool, 'SELECT data FROM escalation_channels ORDER BY seq');
  }

  async saveVeilederProfile(p: VeilederProfile): Promise<void> {
    await this.pool.query('INSERT INTO veileder_profiles (user_hash, data) VALUES ($1, $2) ON CONFLICT (user_hash) DO UPDATE SET data = EXCLUDED.data', [p.userHash, j(p)]);
  }

  async getVeilederProfile(userHash: string): Promise<VeilederProfile | undefined> {
    return (await this.rows<VeilederProfile>(this.pool, 'SELECT data FROM veileder_profiles WHERE user_hash = $1', [userHash]))[0];
  }

  /** Serialises booking writes of one counsellor across all instances (until the transaction ends). */
  private async lockMailbox(c: pg.PoolClient, mailbox: string): Promise<void> {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('booking:' || $1))`, [mailboxKey(mailbox)]);
  }

  private async activeBookings(c: pg.PoolClient, mailbox: string): Promise<Booking[]> {
    return this.rows(c, 'SELECT data FROM bookings WHERE mailbox = $1 AND state = ANY($2)', [mailboxKey(mailbox), ACTIVE_BOOKING_STATES]);
  }

  createBooking(year: number, build: (n: number) => Booking, bufferMs: number, outbox?: (b: Booking) => OutboxMessage[]): Promise<{ ok: true; booking: Booking } | { ok: false; conflict: Booking }> {
    return this.tx(async (c) => {
      await c.query('INSERT INTO booking_seq (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING', [year]);
      const seq = await c.query('SELECT last FROM booking_seq WHERE year = $1 FOR UPDATE', [year]);
      const b = build((seq.rows[0].last as number) + 1);
      await this.lockMailbox(c, b.counsellor.mailbox);
      const conflict = bookingConflict(await this.activeBookings(c, b.counsellor.mailbox), b, bufferMs);
      if (conflict) return { ok: false as const, conflict };
      await c.query('UPDATE booking_seq SET last = $2 WHERE year = $1', [year, b.number]);
      await c.query('INSERT INTO bookings (id, year, number, version, mailbox, state, data) VALUES ($1, $2, $3, $4, $5, $6, $7)', [b.id, b.year, b.number, b.version, mailboxKey(b.counsellor.mailbox), b.state, j(b)]);
      if (outbox) await this.insertOutbox(c, outbox(b));
      return { ok: true as const, booking: JSON.parse(j(b)) as Booking };
    });
  }

  async getBooking(id: string): Promise<Booking | undefined> {
    return (await this.rows<Booking>(this.pool, 'SELECT data FROM bookings WHERE id = $1', [id]))[0];
  }

  async listBookings(): Promise<Booking[]> {
    return this.rows(this.pool, 'SELECT data FROM bookings ORDER BY seq');
  }

  updateBooking(id: string, expectedVersion: number, change: (b: Booking) => Booking, bufferMs: number, outbox?: (b: Booking) => OutboxMessage[]): Promise<BookingUpdate> {
    return this.tx(async (c): Promise<BookingUpdate> => {
      const [peek] = await this.rows<Booking>(c, 'SELECT data FROM bookings WHERE id = $1', [id]);
      if (!peek) return { ok: false, reason: 'not-found' };
      await this.lockMailbox(c, peek.counsellor.mailbox);
      const [current] = await this.rows<Booking>(c, 'SELECT data FROM bookings WHERE id = $1 FOR UPDATE', [id]);
      if (current.version !== expectedVersion) return { ok: false, reason: 'stale', current };
      const next = JSON.parse(j({ ...change(structuredClone(current)), version: current.version + 1 })) as Booking;
      if (mailboxKey(next.counsellor.mailbox) !== mailboxKey(current.counsellor.mailbox)) await this.lockMailbox(c, next.counsellor.mailbox);
      if (ACTIVE_BOOKING_STATES.includes(next.state)) {
        const conflict = bookingConflict(await this.activeBookings(c, next.counsellor.mailbox), next, bufferMs);
        if (conflict) return { ok: false, reason: 'taken', conflict };
      }
      await c.query('UPDATE bookings SET version = $2, state = $3, mailbox = $4, data = $5 WHERE id = $1', [id, next.version, next.state, mailboxKey(next.counsellor.mailbox), j(next)]);
      if (outbox) await this.insertOutbox(c, outbox(next));
      return { ok: true, booking: next };
    });
  }

  async secret(name: string): Promise<string> {
    await this.pool.query('INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32).toString('base64url')]);
    const r = await this.pool.query('SELECT value FROM secrets WHERE name = $1', [name]);
    return r.rows[0].value as string;
  }

  async enqueueOutbox(messages: OutboxMessage[]): Promise<void> {
    await this.tx((c) => this.insertOutbox(c, messages));
  }

  async claimOutbox(now: Date, leaseMs: number, limit: number): Promise<OutboxMessage[]> {
    const lease = new Date(now.getTime() + leaseMs).toISOString();
    const due = `((o.status = 'pending' AND o.next_attempt_at <= $1) OR (o.status = 'sending' AND o.lease_until <= $1))`;
    const r = await this.pool.query(
      `WITH cand AS MATERIALIZED (
         SELECT o.id, o.conversation_key FROM outbox o
         WHERE ${due}
           -- A conversation another worker is delivering is left to that worker (order per conversation).
           AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.conversation_key = o.conversation_key AND b.status = 'sending' AND b.lease_until > $1)
         -- Oldest first (a conversation's order), not soonest due: a message that waited must not fall behind newer ones.
         ORDER BY o.created_at, o.seq LIMIT $3 * 4),
       -- One claimer per conversation at a time: the others skip it rather than split it.
       mine AS (SELECT id FROM cand WHERE pg_try_advisory_xact_lock(hashtext('outbox:' || conversation_key)) LIMIT $3),
       rows AS (SELECT o.id FROM outbox o WHERE o.id IN (SELECT id FROM mine) AND ${due} FOR UPDATE SKIP LOCKED)
       UPDATE outbox o SET status = 'sending', lease_until = $2,
         data = o.data || jsonb_build_object('status', 'sending', 'leaseUntil', $4::text)
       FROM rows WHERE o.id = rows.id AND ${due}
       RETURNING o.data, o.seq`,
      [now.toISOString(), lease, limit, lease],
    );
    return r.rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((x) => x.data as OutboxMessage);
  }

  settleOutbox(id: string, patch: Partial<OutboxMessage>): Promise<OutboxMessage | undefined> {
    return this.tx(async (c) => {
      const [m] = await this.rows<OutboxMessage>(c, 'SELECT data FROM outbox WHERE id = $1 FOR UPDATE', [id]);
      if (!m) return undefined;
      const next = JSON.parse(j({ ...m, ...patch, id: m.id })) as OutboxMessage;
      await c.query('UPDATE outbox SET status = $2, next_attempt_at = $3, lease_until = $4, data = $5 WHERE id = $1', [id, next.status, next.nextAttemptAt, next.leaseUntil ?? null, j(next)]);
      return next;
    });
  }

  async getOutboxMessage(id: string): Promise<OutboxMessage | undefined> {
    return (await this.rows<OutboxMessage>(this.pool, 'SELECT data FROM outbox WHERE id = $1', [id]))[0];
  }

  async listOutbox(): Promise<OutboxMessage[]> {
    return this.rows(this.pool, 'SELECT data FROM outbox ORDER BY seq');
  }

  async listUndeliveredOutbox(): Promise<OutboxMessage[]> {
    return this.rows(this.pool, `SELECT data || '{"activity":{}}'::jsonb AS data FROM outbox WHERE status IN ('pending', 'sending') ORDER BY seq`);
  }

  async listTicketCards(ticketId: string): Promise<OutboxMessage[]> {
    return this.rows(this.pool, `SELECT data FROM outbox WHERE data->>'ticketId' = $1 AND data ? 'card' ORDER BY seq`, [ticketId]);
  }

  async pruneOutbox(before: string, keep: string[]): Promise<number> {
    const r = await this.pool.query(`DELETE FROM outbox WHERE status IN ('sent', 'failed') AND created_at < $1 AND NOT (id = ANY($2))`, [before, keep]);
    return r.rowCount ?? 0;
  }

  async redactQuestionTexts(before: string): Promise<number> {
    const r = await this.pool.query(`UPDATE questions SET data = data - 'text' WHERE at < $1 AND data ? 'text'`, [before]);
    return r.rowCount ?? 0;
  }

  async listCalendarEvents(mailbox: string, from: Date, to: Date): Promise<StoredCalendarEvent[]> {
    return this.rows(this.pool, 'SELECT data FROM calendar_events WHERE mailbox = $1 AND start_at < $3 AND end_at > $2 ORDER BY start_at, id', [mailboxKey(mailbox), from.toISOString(), to.toISOString()]);
  }

  saveCalendarEvents(events: StoredCalendarEvent[]): Promise<StoredCalendarEvent[]> {
    return this.tx(async (c) => {
      const out: StoredCalendarEvent[] = [];
      for (const e of events) {
        const stored = JSON.parse(j({ ...e, mailbox: mailboxKey(e.mailbox) })) as StoredCalendarEvent;
        const ins = await c.query(
          'INSERT INTO calendar_events (mailbox, id, transaction_id, start_at, end_at, data) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING data',
          [stored.mailbox, stored.id, stored.transactionId ?? null, stored.start, stored.end, j(stored)],
        );
        if (ins.rows[0]) {
          out.push(ins.rows[0].data as StoredCalendarEvent);
          continue;
        }
        const [existing] = await this.rows<StoredCalendarEvent>(c, 'SELECT data FROM calendar_events WHERE mailbox = $1 AND (id = $2 OR transaction_id = $3) ORDER BY (id = $2) DESC LIMIT 1', [stored.mailbox, stored.id, stored.transactionId ?? null]);
        out.push(existing);
      }
      return out;
    });
  }

  async saveCalendarEvent(event: StoredCalendarEvent): Promise<StoredCalendarEvent> {
    const [saved] = await this.saveCalendarEvents([event]);
    return saved;
  }

  updateCalendarEvent(mailbox: string, id: string, patch: CalendarEventPatch): Promise<StoredCalendarEvent | undefined> {
    return this.tx(async (c) => {
      const [e] = await this.rows<StoredCalendarEvent>(c, 'SELECT data FROM calendar_events WHERE mailbox = $1 AND id = $2 FOR UPDATE', [mailboxKey(mailbox), id]);
      if (!e) return undefined;
      const { mailbox: _m, id: _i, transactionId: _t, createdAt: _c, ...allowed } = patch as Partial<StoredCalendarEvent>;
      const next = JSON.parse(j({ ...e, ...allowed })) as StoredCalendarEvent;
      await c.query('UPDATE calendar_events SET start_at = $3, end_at = $4, data = $5 WHERE mailbox = $1 AND id = $2', [e.mailbox, id, next.start, next.end, j(next)]);
      return next;
    });
  }

  async getCalendarEvent(mailbox: string, id: string): Promise<StoredCalendarEvent | undefined> {
    return (await this.rows<StoredCalendarEvent>(this.pool, 'SELECT data FROM calendar_events WHERE mailbox = $1 AND id = $2', [mailboxKey(mailbox), id]))[0];
  }

  async setWorkingHours(mailbox: string, wh: WorkingHours): Promise<void> {
    await this.pool.query('INSERT INTO working_hours (mailbox, data) VALUES ($1, $2) ON CONFLICT (mailbox) DO UPDATE SET data = EXCLUDED.data', [mailboxKey(mailbox), j(wh)]);
  }

  async getWorkingHours(mailbox: string): Promise<WorkingHours | undefined> {
    return (await this.rows<WorkingHours>(this.pool, 'SELECT data FROM working_hours WHERE mailbox = $1', [mailboxKey(mailbox)]))[0];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
