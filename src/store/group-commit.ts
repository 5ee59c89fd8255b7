/**
 * Group commit for a state that is written whole (the lowdb store's veiviser.json): a change is
 * applied to memory at once, in the order changes arrive, and its caller is answered only after a
 * write that includes it is durable. Changes that arrive while a write is under way are written
 * together by the next one — one file write, one rename, for all of them — so the cost of
 * writing the file is shared by everything that arrived meanwhile instead of paid per change.
 *
 * Every change registers how to undo what it did. If a write fails, every change since the last
 * durable write is undone (newest first) and all their callers get the error: memory never holds
 * what the file does not, and nobody is told of a change that was not written.
 * A change that wrote nothing (a stale compare-and-set, say) is still answered only once
 * everything it saw is durable.
 */

export interface Tx {
  /** Registers how to undo one step of the change (run newest first if a write fails). */
  undo(fn: () => void): void;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class GroupCommit {
  /** Changes applied to memory so far, and how many of them are durable. */
  private applied = 0;
  private durable = 0;
  private undos: { seq: number; fns: (() => void)[] }[] = [];
  private waiters: Waiter[] = [];
  private flushing = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  /** Writes, for benchmarks: how many, and how many changes they carried. */
  writes = 0;
  changesWritten = 0;

  /** `write` must take its snapshot of the state synchronously, before its first await. */
  constructor(private readonly write: () => Promise<void>) {}

  /** Applies `change` now and resolves with its result once it (and all it saw) is durable. */
  run<T>(change: (tx: Tx) => T): Promise<T> {
    const fns: (() => void)[] = [];
    let result: T;
    try {
      result = change({ undo: (fn) => fns.push(fn) });
    } catch (err) {
      for (const fn of fns.reverse()) fn();
      return Promise.reject(err as Error);
    }
    if (fns.length) this.undos.push({ seq: ++this.applied, fns });
    const seq = this.applied;
    if (seq <= this.durable) return Promise.resolve(result);
    return new Promise<T>((resolve, reject) => {
      this.waiters.push({ seq, resolve: () => resolve(result), reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    const target = this.applied;
    try {
      if (target > this.durable) {
        await this.write();
        this.writes++;
        this.changesWritten += target - this.durable;
      }
      this.durable = target;
      this.undos = this.undos.filter((u) => u.seq > target);
      const done = this.waiters.filter((w) => w.seq <= target);
      this.waiters = this.waiters.filter((w) => w.seq > target);
      for (const w of done) w.resolve();
    } catch (err) {
      // Everything after the last durable write goes, newest first: later changes may rest on the lost ones.
      for (const u of this.undos.reverse()) for (const fn of u.fns.reverse()) fn();
      this.undos = [];
      this.applied = this.durable;
      const failed = this.waiters;
      this.waiters = [];
      for (const w of failed) w.reject(err as Error);
    } finally {
      this.flushing = false;
      if (this.waiters.length) this.schedule();
      else for (const r of this.idleWaiters.splice(0)) r();
    }
  }

  /** Resolves when nothing waits to be written. */
  idle(): Promise<void> {
    if (!this.flushing && !this.scheduled && this.waiters.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}
