/**
 * Housekeeping: ticket reminders, auto-close and retention, the question log's retention, the
 * outbox's retention, booking holds, calendar sync and reminders, Graph subscription renewal and
 * the shared rate-limit counts. Runs at start, then every 10 minutes (unref'd); each run is
 * idempotent and runs after the one before.
 */
import type { Logger } from 'pino';
import type { BookingService } from '../booking/booking-service.js';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import type { TicketService } from '../tickets/ticket-service.js';

const DAY = 86_400_000;
const EVERY = 10 * 60_000;

export interface HousekeepingDeps {
  store: Store;
  tickets: Pick<TicketService, 'remindUntaken' | 'closeIdleAnswered' | 'redactClosed'>;
  bookings: Pick<BookingService, 'expireHolds' | 'syncWithCalendar' | 'sendReminders'>;
  /** Graph change notifications, when the calendar is Graph's and the app has a public address. */
  notifications?: { renew(): Promise<void> };
  /** Wakes the outbox worker (the run may have queued messages). */
  kick: () => void;
  /** The ticket and booking rules' clock. */
  clock: () => Date;
  log: Logger;
  rules: Pick<Config, 'reminderHours' | 'autoCloseDays' | 'retentionDays' | 'questionTextRetentionDays' | 'outboxKeepDays'>;
}

export class Housekeeping {
  private last: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(private readonly d: HousekeepingDeps) {}

  /** Runs once now, then every 10 minutes. */
  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), EVERY);
    this.timer.unref();
  }

  /** Runs once, after any run in progress; resolves when it is done (a failure is logged, never thrown). */
  run(): Promise<void> {
    this.last = this.last.then(() => this.once()).catch((err: Error) => this.d.log.error({ event: 'housekeeping_failed', err: err.message }));
    return this.last;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Resolves when the last run has ended. */
  settled(): Promise<void> {
    return this.last;
  }

  private async once(): Promise<void> {
    const { store, tickets, bookings, rules } = this.d;
    const now = this.d.clock().getTime();
    if (rules.reminderHours > 0) await tickets.remindUntaken(rules.reminderHours);
    if (rules.autoCloseDays > 0) await tickets.closeIdleAnswered(rules.autoCloseDays);
    await tickets.redactClosed(rules.retentionDays);
    await store.redactQuestionTexts(new Date(now - rules.questionTextRetentionDays * DAY).toISOString());
    // Settled messages go after OUTBOX_KEEP_DAYS, but not the cards of tickets whose text is still
    // there (a later change updates them), nor anything a waiting message depends on.
    const keep = new Set<string>();
    for (const t of await store.listTickets()) {
      if (t.redactedAt) continue;
      if (t.channel?.cardMessageId) keep.add(t.channel.cardMessageId);
      for (const m of await store.listTicketCards(t.id)) keep.add(m.id);
    }
    for (const m of await store.listUndeliveredOutbox()) for (const dep of [m.replaces, m.threadOf]) if (dep) keep.add(dep);
    await store.pruneOutbox(new Date(now - rules.outboxKeepDays * DAY).toISOString(), [...keep]);
    await bookings.expireHolds();
    await bookings.syncWithCalendar();
    await this.d.notifications?.renew();
    await bookings.sendReminders(24);
    await store.capabilities?.rateLimits?.rateLimitPrune();
    this.d.kick();
  }
}
