/**
 * Graph change notifications for the counsellors' calendars: when a counsellor moves or deletes
 * a talk in Outlook, Graph calls Veiviser's public URL and the booking sync runs at once instead
 * of at the next periodic check. Only used when Graph is configured and PUBLIC_BASE_URL is set
 * (Graph must reach the URL over HTTPS).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';

export interface SubscriptionApi {
  subscribeToEvents(mailbox: string, notificationUrl: string, clientState: string, expires: Date): Promise<{ id: string; expirationDateTime: string }>;
  renewSubscription(mailbox: string, id: string, expires: Date): Promise<void>;
}

export interface WebhookAnswer { status: number; contentType?: string; body?: string }

export class GraphChangeNotifications {
  private readonly subs = new Map<string, { id: string; expires: Date }>();
  private readonly clock: () => Date;
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: {
    api: SubscriptionApi;
    mailboxes: string[];
    notificationUrl: string;
    clientState: string;
    /** Runs (debounced) when a valid notification arrives. */
    onChange: () => void;
    log: Logger;
    clock?: () => Date;
    /** Subscription lifetime; Graph allows events subscriptions up to about three days. */
    lifetimeMinutes?: number;
    debounceMs?: number;
  }) {
    this.clock = o.clock ?? (() => new Date());
  }

  private expiry(): Date {
    return new Date(this.clock().getTime() + (this.o.lifetimeMinutes ?? 4000) * 60_000);
  }

  /** The webhook: Graph's validation handshake, then notifications whose clientState matches. */
  handle(query: Record<string, unknown>, body: unknown): WebhookAnswer {
    if (typeof query.validationToken === 'string') return { status: 200, contentType: 'text/plain', body: query.validationToken };
    const value = (body as { value?: unknown } | undefined)?.value;
    const items = Array.isArray(value) ? value.slice(0, 1000) : [];
    const want = Buffer.from(this.o.clientState);
    const valid = items.filter((n) => {
      const got = Buffer.from(String((n as { clientState?: unknown }).clientState ?? ''));
      return got.length === want.length && timingSafeEqual(got, want);
    }).length;
    if (valid < items.length) this.o.log.warn({ event: 'graph_notification_rejected', count: items.length - valid });
    if (valid > 0) {
      this.o.log.info({ event: 'graph_notification', count: valid });
      if (!this.pending) {
        this.pending = setTimeout(() => {
          this.pending = undefined;
          this.o.onChange();
        }, this.o.debounceMs ?? 2000);
        this.pending.unref?.();
      }
    }
    return { status: 202 };
  }

  /** Subscribes every mailbox that has no subscription; failures are logged and tried again at the next renew. */
  async start(): Promise<void> {
    for (const mailbox of this.o.mailboxes) {
      if (this.subs.has(mailbox)) continue;
      try {
        const s = await this.o.api.subscribeToEvents(mailbox, this.o.notificationUrl, this.o.clientState, this.expiry());
        this.subs.set(mailbox, { id: s.id, expires: new Date(s.expirationDateTime) });
      } catch (err) {
        this.o.log.warn({ event: 'graph_subscribe_failed', err: (err as Error).message });
      }
    }
  }

  /** Renews subscriptions that expire within 12 hours, and subscribes any that are missing. */
  async renew(): Promise<void> {
    const soon = this.clock().getTime() + 12 * 3_600_000;
    for (const [mailbox, s] of this.subs) {
      if (s.expires.getTime() > soon) continue;
      const expires = this.expiry();
      try {
        await this.o.api.renewSubscription(mailbox, s.id, expires);
        this.subs.set(mailbox, { id: s.id, expires });
      } catch (err) {
        this.o.log.warn({ event: 'graph_renew_failed', err: (err as Error).message });
        this.subs.delete(mailbox);
      }
    }
    await this.start();
  }

  stop(): void {
    if (this.pending) clearTimeout(this.pending);
  }
}
