import type { ChangeFeedReader } from './change-feed.port';

/**
 * Tells waiting readers (SSE streams, destination loops) that the feed grew. One poll of the newest id serves every
 * reader in the process, whatever their number, and works the same when the projector runs in another process.
 */
export class FeedTail {
  private last?: string;
  private waiters = new Set<() => void>();
  private listeners = new Set<() => void>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  /** Counts the changes seen: a reader notes it before reading and waits only if nothing changed since. */
  version = 0;

  constructor(private readonly feed: ChangeFeedReader, private readonly pollMs: number) {}

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.wakeAll();
  }

  /**
   * Resolves when the feed's newest id changes, or after `timeoutMs` (a heartbeat, a re-check), whichever is first;
   * at once when it changed after the reader noted `since` (it may have read just before the change).
   */
  next(timeoutMs: number, since?: number): Promise<void> {
    if (since !== undefined && since !== this.version) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Wakes every reader now (a commit this process made, a destination changed). */
  wakeAll(): void {
    this.version++;
    for (const wake of [...this.waiters]) wake();
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` on every wake-up, e.g. to pass it on to a delivery worker thread; answers the unsubscribe. */
  onWake(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.waiters.size === 0) return;
    this.polling = true;
    try {
      const last = await this.feed.lastChangeId();
      if (last !== this.last) {
        this.last = last;
        this.wakeAll();
      }
    } catch {
      // A failed poll is retried on the next tick; readers also re-check on their own timeout.
    } finally {
      this.polling = false;
    }
  }
}
