/**
 * express-rate-limit's store on the store's shared counters (PostgreSQL: `capabilities.rateLimits`):
 * with several instances the per-user limit is one limit, counted in the database, not one per
 * instance. Without them the limiter keeps its counts in memory (one process).
 */
import type { Options, Store as LimitStore } from 'express-rate-limit';
import type { RateLimitCounts, Store } from '../store/store.js';

/** The limiter's shared store under `prefix` when the store keeps shared counts; else undefined (counts in memory). */
export function sharedLimitStore(store: Pick<Store, 'capabilities'>, prefix: string): PgRateLimitStore | undefined {
  const counts = store.capabilities?.rateLimits;
  return counts ? new PgRateLimitStore(counts, prefix) : undefined;
}

export class PgRateLimitStore implements LimitStore {
  private windowMs = 60_000;
  /** Not local: the counts are shared. */
  readonly localKeys = false;
  constructor(private readonly store: RateLimitCounts, readonly prefix: string) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  increment(key: string) {
    return this.store.rateLimitHit(`${this.prefix}${key}`, this.windowMs);
  }

  decrement(key: string) {
    return this.store.rateLimitUndo(`${this.prefix}${key}`);
  }

  resetKey(key: string) {
    return this.store.rateLimitReset(`${this.prefix}${key}`);
  }
}
