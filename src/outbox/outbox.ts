/**
 * The outbox worker: delivers the messages in the durable outbox (src/outbox/types.ts) through a
 * Sender, one claim-and-deliver pass at a time.
 *
 * - Order per conversation: a message waits while an older message of the same conversationKey
 *   is not yet delivered (pending or sending); an `update` waits for the message it replaces,
 *   a thread reply for its thread root. Waiting costs no attempt.
 * - Retry: 429, 408, 5xx, network errors and timeouts are retried at `Retry-After` (seconds or
 *   an HTTP date) when the Bot Connector gives one, else with capped exponential backoff and
 *   jitter. Other 4xx (400 invalid, 401, 403 the user removed the app, 404 gone) fail at once;
 *   so does a message that still fails after `maxAttempts`.
 * - A permanent failure is reported through `onPermanentFailure` *before* the message is
 *   settled as failed: a crash in between re-delivers and re-reports (at least once), never
 *   forgets. If the report itself throws, the message is retried later rather than dropped.
 * - Every outcome is written with store.settleOutbox before the next message is looked at.
 *   A crash after a claim is recovered by the lease: claimOutbox offers the message again when
 *   the lease has expired. Delivery is therefore at least once (a crash after the Bot Connector
 *   accepted a post but before it was settled posts it again; an update is idempotent).
 * - Logs carry ids, kinds, statuses and error codes, never the activity's text.
 * - Once delivered (or failed for good) a message keeps only its ids: the activity is emptied in
 *   the same write that settles it, and housekeeping prunes settled messages after
 *   OUTBOX_KEEP_DAYS, keeping only the ticket cards that later changes still update.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { OutboxMessage } from './types.js';

/** User-facing reasons for a delivery that failed for good (shown on the ticket card). */
export const deliveryReasons = {
  400: '400: Teams avviste meldingen som ugyldig',
  401: '401: Veiviser ble ikke godkjent av Bot Connector (sjekk app-id og hemmelighet)',
  403: '403: brukeren har fjernet appen, eller Veiviser er fjernet fra teamet',
  404: '404: samtalen eller meldingen finnes ikke lenger',
  otherStatus: (status: number) => `${status}: Teams avviste meldingen`,
  noConversation: 'Fant ingen lagret samtale å sende til (Veiviser er ikke installert hos mottakeren)',
  replacedFailed: 'Meldingen som skulle oppdateres, ble aldri levert',
  threadRootFailed: 'Tråden svaret hører til, ble aldri startet',
  dependencyMissing: 'Meldingen denne bygger på, finnes ikke i utboksen',
  noActivityId: 'Teams ga ingen id for meldingen som skulle oppdateres eller svares på',
  updateWithoutTarget: 'Oppdateringen sier ikke hvilken melding den erstatter',
  gaveUp: (attempts: number, last: string) => `Ga opp etter ${attempts} forsøk (siste feil: ${last})`,
} as const;

/** What a Sender is asked to deliver; the worker has resolved the ids the message depends on. */
export interface SendRequest {
  message: OutboxMessage;
  /** For kind "update": the id of the activity to replace (the replaced message's deliveredActivityId). */
  replaceActivityId?: string;
  /** For a thread reply: the id of the thread's root activity (the root message's deliveredActivityId). */
  threadRootActivityId?: string;
}

/** Delivers one outbox message; throws DeliveryError (or any error, taken as transient) on failure. */
export interface Sender {
  send(req: SendRequest): Promise<{ activityId?: string }>;
}

/** A failed delivery, as the worker classifies it. */
export class DeliveryError extends Error {
  /** HTTP status of the failed Bot Connector call; absent for network errors and timeouts. */
  readonly status?: number;
  /** The raw Retry-After header (seconds or an HTTP date), if the Bot Connector sent one. */
  readonly retryAfter?: string;
  /** A short technical code (ECONNREFUSED, timeout, the connector's error code …), for logs. */
  readonly code?: string;
  /** Fails at once whatever the status (e.g. no stored conversation). */
  readonly permanent: boolean;
  /** User-facing reason for a permanent failure (deliveryReasons); derived from status if absent. */
  readonly reason?: string;

  constructor(message: string, o: { status?: number; retryAfter?: string; code?: string; permanent?: boolean; reason?: string } = {}) {
    super(message);
    this.name = 'DeliveryError';
    this.status = o.status;
    this.retryAfter = o.retryAfter;
    this.code = o.code;
    this.permanent = o.permanent ?? false;
    this.reason = o.reason;
  }
}

/** Why a delivery failed for good. */
export type FailureCause = 'rejected' | 'no-conversation' | 'dependency' | 'gave-up';

export interface PermanentFailure {
  /** User-facing (Norwegian) reason, as stored in the message's lastError. */
  reason: string;
  cause: FailureCause;
  /** HTTP status, when the Bot Connector answered. */
  status?: number;
}

export interface OutboxWorkerOptions {
  store: Store;
  sender: Sender;
  log: Logger;
  clock?: () => Date;
  /** Math.random stand-in for the backoff jitter (tests). */
  random?: () => number;
  /** Pause between passes of the started worker. */
  pollMs?: number;
  /** How long a claimed message is ours before another pass (or instance) may take it over. */
  leaseMs?: number;
  /** Messages claimed per pass. */
  batch?: number;
  /** First retry delay; doubled per attempt, jittered between half and the full value. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest Retry-After honoured (a larger value is taken as this). */
  maxRetryAfterMs?: number;
  /** Attempts before giving up (16 with the defaults ≈ 6 hours of retrying). */
  maxAttempts?: number;
  /** How soon a message waiting for an earlier one is looked at again. */
  waitMs?: number;
  /**
   * Called once a delivery has failed for good, before the message is settled as failed (so it
   * may be called again after a crash). A message whose cause is "dependency" failed because an
   * earlier message (the card it updates, its thread root) failed, which was reported already.
   */
  onPermanentFailure?: (msg: OutboxMessage, failure: PermanentFailure) => Promise<void>;
}

type Outcome =
  | { kind: 'transient'; error: string; retryAfter?: string; status?: number }
  | { kind: 'permanent'; failure: PermanentFailure; error: string };

/** Parses a Retry-After value (delay-seconds or an HTTP date) into milliseconds from `now`. */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now.getTime()) : undefined;
}

/** How a failed attempt is handled: retried (429, 408, 5xx, no answer) or failed for good. */
export function classify(err: unknown): Outcome {
  if (!(err instanceof DeliveryError)) {
    const name = err instanceof Error ? err.name : 'Error';
    return { kind: 'transient', error: name };
  }
  const error = err.status ? `${err.status}${err.code ? ` ${err.code}` : ''}` : (err.code ?? err.name);
  if (err.permanent) {
    const reason = err.reason ?? (err.status ? reasonForStatus(err.status) : err.message);
    return { kind: 'permanent', error, failure: { reason, cause: err.code === 'no-conversation' ? 'no-conversation' : 'rejected', status: err.status } };
  }
  const s = err.status;
  if (s === undefined || s === 408 || s === 429 || s >= 500) return { kind: 'transient', error, retryAfter: err.retryAfter, status: s };
  return { kind: 'permanent', error, failure: { reason: err.reason ?? reasonForStatus(s), cause: 'rejected', status: s } };
}

function reasonForStatus(status: number): string {
  if (status === 400 || status === 401 || status === 403 || status === 404) return deliveryReasons[status];
  return deliveryReasons.otherStatus(status);
}

/** A pass's view of the outbox: every message by id and its position (ties on createdAt). */
interface Snapshot {
  byId: Map<string, OutboxMessage>;
  position: Map<string, number>;
  list: OutboxMessage[];
}

export class OutboxWorker {
  private readonly o: Required<Omit<OutboxWorkerOptions, 'onPermanentFailure'>> & Pick<OutboxWorkerOptions, 'onPermanentFailure'>;
  private chain: Promise<unknown> = Promise.resolve();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private inPass = false;
  private again = false;

  constructor(opts: OutboxWorkerOptions) {
    this.o = {
      clock: () => new Date(),
      random: Math.random,
      pollMs: 1000,
      leaseMs: 60_000,
      batch: 25,
      baseDelayMs: 2000,
      maxDelayMs: 3_600_000,
      maxRetryAfterMs: 24 * 3_600_000,
      maxAttempts: 16,
      waitMs: 1000,
      ...stripUndefined(opts),
      store: opts.store,
      sender: opts.sender,
      log: opts.log,
    };
  }

  /** Starts polling (a pass every pollMs, and soon after each kick). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling and resolves when the pass in flight (if any) has settled its messages. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain.catch(() => undefined);
  }

  /** Asks for a pass soon (e.g. right after an enqueue). Does nothing when stopped. */
  kick(): void {
    if (this.running) this.schedule(0);
  }

  /**
   * One claim-and-deliver pass; passes never overlap (a second call runs after the first).
   * Resolves with the number of messages claimed (delivered, failed, rescheduled or waiting).
   */
  runOnce(): Promise<number> {
    const pass = this.chain.then(() => this.pass());
    this.chain = pass.catch(() => undefined);
    return pass;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref?.();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.inPass) {
      this.again = true;
      return;
    }
    this.inPass = true;
    void this.runOnce()
      .catch((err: Error) => this.o.log.error({ event: 'outbox_pass_failed', err: err.message }))
      .finally(() => {
        this.inPass = false;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.o.pollMs);
      });
  }

  private async pass(): Promise<number> {
    const now = this.o.clock();
    const t = now.getTime();
    // Peek first: claiming writes the store, and most passes find nothing due.
    const all = await this.o.store.listUndeliveredOutbox();
    const due = all.some((m) => (m.status === 'pending' && Date.parse(m.nextAttemptAt) <= t) || (m.status === 'sending' && Date.parse(m.leaseUntil ?? '') <= t));
    if (!due) return 0;
    const claimed = await this.o.store.claimOutbox(now, this.o.leaseMs, this.o.batch);
    if (claimed.length === 0) return 0;
    // The pass's view: the peek with the claimed messages as claimed. Anything enqueued since is
    // newer than all of it, so cannot hold back a claimed message.
    const mine = new Map(claimed.map((m) => [m.id, m]));
    const snap = snapshotOf([...all.map((m) => mine.get(m.id) ?? m), ...claimed.filter((m) => !all.some((a) => a.id === m.id))]);
    // One conversation's messages one after another, oldest first; conversations side by side.
    const groups = new Map<string, OutboxMessage[]>();
    for (const m of claimed) groups.set(m.conversationKey, [...(groups.get(m.conversationKey) ?? []), m]);
    await Promise.all([...groups.values()].map(async (msgs) => {
      msgs.sort((a, b) => compareAge(a, b, snap));
      for (const m of msgs) {
        try {
          await this.deliver(snap.byId.get(m.id) ?? m, snap);
        } catch (err) {
          // A store read or write failed: the message stays leased and is offered again after the lease.
          this.o.log.error({ event: 'outbox_deliver_failed', id: m.id, err: (err as Error).message });
        }
      }
    }));
    return claimed.length;
  }

  private async deliver(msg: OutboxMessage, snap: Snapshot): Promise<void> {
    const now = this.o.clock();
    const settle = async (patch: Partial<OutboxMessage>): Promise<void> => {
      const next = await this.o.store.settleOutbox(msg.id, patch);
      if (next) snap.byId.set(next.id, next);
    };
    // Not enough lease left (a long pass): hand it back rather than risk a second instance
    // delivering it too.
    if (msg.leaseUntil && Date.parse(msg.leaseUntil) - now.getTime() < this.o.leaseMs / 4) {
      await settle({ status: 'pending', nextAttemptAt: now.toISOString(), leaseUntil: undefined });
      return;
    }

    const blocker = this.olderUndelivered(msg, snap);
    if (blocker) {
      await this.wait(msg, settle, now, blocker, 'earlier_message');
      return;
    }
    const req: SendRequest = { message: msg };
    if (msg.kind === 'update') {
      if (!msg.replaces) return this.fail(msg, settle, { reason: deliveryReasons.updateWithoutTarget, cause: 'dependency' }, 'no-replaces');
      const dep = await this.dependency(msg.replaces, snap, deliveryReasons.replacedFailed);
      if (dep.kind === 'wait') return this.wait(msg, settle, now, dep.on, 'replaced_message');
      if (dep.kind === 'fail') return this.fail(msg, settle, { reason: dep.reason, cause: 'dependency' }, 'dependency');
      req.replaceActivityId = dep.activityId;
    }
    if (msg.threadOf) {
      const dep = await this.dependency(msg.threadOf, snap, deliveryReasons.threadRootFailed);
      if (dep.kind === 'wait') return this.wait(msg, settle, now, dep.on, 'thread_root');
      if (dep.kind === 'fail') return this.fail(msg, settle, { reason: dep.reason, cause: 'dependency' }, 'dependency');
      req.threadRootActivityId = dep.activityId;
    }

    const attempts = msg.attempts + 1;
    const started = Date.now();
    let outcome: Outcome | undefined;
    let activityId: string | undefined;
    try {
      ({ activityId } = await this.o.sender.send(req));
    } catch (err) {
      outcome = classify(err);
    }
    if (!outcome) {
      // Outside the try: a failed write here must not be taken for a failed delivery (the
      // message stays leased and is sent again after the lease, at least once).
      const deliveredActivityId = msg.kind === 'update' ? req.replaceActivityId : activityId || undefined;
      // Delivered: the text goes; the ids that later updates and threads need stay.
      await settle({ status: 'sent', attempts, deliveredActivityId, deliveredAt: this.o.clock().toISOString(), leaseUntil: undefined, lastError: undefined, activity: {} });
      this.o.log.info({ event: 'outbox_sent', id: msg.id, kind: msg.kind, ticketId: msg.ticketId, attempts, activityId: deliveredActivityId, ms: Date.now() - started });
      return;
    }

    if (outcome.kind === 'transient' && attempts < this.o.maxAttempts) {
      const at = this.o.clock();
      const delay = this.retryDelay(attempts, outcome.retryAfter, at);
      const nextAttemptAt = new Date(at.getTime() + delay).toISOString();
      await settle({ status: 'pending', attempts, nextAttemptAt, leaseUntil: undefined, lastError: outcome.error });
      this.o.log.warn({ event: 'outbox_retry', id: msg.id, kind: msg.kind, ticketId: msg.ticketId, attempts, error: outcome.error, retryAfter: outcome.retryAfter, nextAttemptAt });
      return;
    }
    const failure: PermanentFailure = outcome.kind === 'permanent'
      ? outcome.failure
      : { reason: deliveryReasons.gaveUp(attempts, outcome.error), cause: 'gave-up', status: outcome.status };
    await this.fail(msg, settle, failure, outcome.error, attempts);
  }

  /** Reports a permanent failure, then settles the message as failed. */
  private async fail(msg: OutboxMessage, settle: (p: Partial<OutboxMessage>) => Promise<void>, failure: PermanentFailure, error: string, attempts = msg.attempts): Promise<void> {
    const failed: OutboxMessage = { ...msg, status: 'failed', attempts, lastError: failure.reason, leaseUntil: undefined };
    try {
      await this.o.onPermanentFailure?.(failed, failure);
    } catch (err) {
      // Not reported: keep the message and try again later, so the failure is not forgotten.
      const at = this.o.clock();
      const nextAttemptAt = new Date(at.getTime() + this.retryDelay(Math.max(attempts, 1), undefined, at)).toISOString();
      await settle({ status: 'pending', attempts, nextAttemptAt, leaseUntil: undefined, lastError: error });
      this.o.log.error({ event: 'outbox_report_failed', id: msg.id, ticketId: msg.ticketId, err: (err as Error).message, nextAttemptAt });
      return;
    }
    await settle({ status: 'failed', attempts, lastError: failure.reason, leaseUntil: undefined, activity: {} });
    this.o.log.warn({ event: 'outbox_failed', id: msg.id, kind: msg.kind, ticketId: msg.ticketId, attempts, cause: failure.cause, status: failure.status, error });
  }

  /** Puts a message back without counting an attempt, until what it waits for is delivered. */
  private async wait(msg: OutboxMessage, settle: (p: Partial<OutboxMessage>) => Promise<void>, now: Date, on: OutboxMessage, why: string): Promise<void> {
    let at = now.getTime() + this.o.waitMs;
    // Waiting on a message that is itself waiting for a retry: look again when it is due. One
    // leased elsewhere (another instance, or a crashed pass) is looked at again a little later.
    if (on.status === 'pending') at = Math.max(at, Date.parse(on.nextAttemptAt));
    else if (on.status === 'sending' && on.leaseUntil) at = Math.max(at, Math.min(Date.parse(on.leaseUntil), now.getTime() + 2 * this.o.waitMs));
    const nextAttemptAt = new Date(at).toISOString();
    await settle({ status: 'pending', nextAttemptAt, leaseUntil: undefined });
    this.o.log.debug({ event: 'outbox_waiting', id: msg.id, on: on.id, why, nextAttemptAt });
  }

  private async dependency(id: string, snap: Snapshot, failedReason: string): Promise<{ kind: 'ok'; activityId: string } | { kind: 'wait'; on: OutboxMessage } | { kind: 'fail'; reason: string }> {
    const dep = snap.byId.get(id) ?? (await this.o.store.getOutboxMessage(id));
    if (!dep) return { kind: 'fail', reason: deliveryReasons.dependencyMissing };
    if (dep.status === 'failed') return { kind: 'fail', reason: failedReason };
    if (dep.status !== 'sent') return { kind: 'wait', on: dep };
    if (!dep.deliveredActivityId) return { kind: 'fail', reason: deliveryReasons.noActivityId };
    return { kind: 'ok', activityId: dep.deliveredActivityId };
  }

  /** The oldest message of the same conversation that is older than `msg` and not yet delivered. */
  private olderUndelivered(msg: OutboxMessage, snap: Snapshot): OutboxMessage | undefined {
    for (const m of snap.list) {
      const cur = snap.byId.get(m.id) ?? m;
      if (cur.id === msg.id || cur.conversationKey !== msg.conversationKey) continue;
      if (cur.status !== 'pending' && cur.status !== 'sending') continue;
      if (compareAge(cur, msg, snap) < 0) return cur;
    }
    return undefined;
  }

  /** Retry-After when given (capped at maxRetryAfterMs), else capped exponential backoff with jitter. */
  private retryDelay(attempts: number, retryAfter: string | undefined, now: Date): number {
    const ra = retryAfterMs(retryAfter, now);
    if (ra !== undefined) return Math.min(ra, this.o.maxRetryAfterMs);
    const capped = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** Math.min(attempts - 1, 40));
    return Math.round(capped / 2 + (this.o.random() * capped) / 2);
  }
}

function snapshotOf(list: OutboxMessage[]): Snapshot {
  return { list, byId: new Map(list.map((m) => [m.id, m])), position: new Map(list.map((m, i) => [m.id, i])) };
}

/** Older first: by createdAt, then by position in the outbox (enqueue order). */
function compareAge(a: OutboxMessage, b: OutboxMessage, snap: Snapshot): number {
  return a.createdAt.localeCompare(b.createdAt) || (snap.position.get(a.id) ?? Infinity) - (snap.position.get(b.id) ?? Infinity);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
