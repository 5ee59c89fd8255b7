/**
 * Prometheus metrics (prom-client), one registry per app instance: HTTP requests by route and
 * status, FAQ outcomes, ticket actions, outbox queue depth and lag (the age of the oldest message
 * not yet delivered), and Node's process metrics. No labels carry personal data or text.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../store/store.js';

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly httpDuration: Histogram<'route'>;
  readonly questions: Counter<'outcome'>;
  readonly rateLimited: Counter<'route'>;

  constructor(store: Store, clock: () => Date = () => new Date()) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'veiviser_' });
    this.httpRequests = new Counter({ name: 'veiviser_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers });
    this.httpDuration = new Histogram({ name: 'veiviser_http_request_duration_seconds', help: 'HTTP request duration by route', labelNames: ['route'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers });
    this.questions = new Counter({ name: 'veiviser_questions_total', help: 'Questions answered by the FAQ, by outcome', labelNames: ['outcome'], registers });
    this.rateLimited = new Counter({ name: 'veiviser_rate_limited_total', help: 'Requests refused by the per-user rate limit', labelNames: ['route'], registers });
    let cache: { at: number; depth: number; lag: number } | undefined;
    const outbox = async () => {
      if (!cache || Date.now() - cache.at > 2000) {
        const pending = await store.listUndeliveredOutbox();
        const oldest = pending.reduce((min, m) => Math.min(min, Date.parse(m.createdAt)), Infinity);
        cache = { at: Date.now(), depth: pending.length, lag: pending.length ? Math.max(0, (clock().getTime() - oldest) / 1000) : 0 };
      }
      return cache;
    };
    new Gauge({ name: 'veiviser_outbox_queue_depth', help: 'Outbox messages not yet delivered', registers, async collect() { this.set((await outbox()).depth); } });
    new Gauge({ name: 'veiviser_outbox_lag_seconds', help: 'Age of the oldest outbox message not yet delivered', registers, async collect() { this.set((await outbox()).lag); } });
  }
}
