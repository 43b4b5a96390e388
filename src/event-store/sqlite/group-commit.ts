/** What one request in a batch came to: its own value or its own error. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  /** At most this many requests share one transaction. */
  maxRequests: number;
  /** ...and at most this much weight (events), unless a single request alone is heavier. */
  maxWeight: number;
  /**
   * While this returns a promise, no batch is cut: the requests wait for it to settle and then share one
   * transaction. The log holds its commits while the fsync of the previous one runs: they would wait for the next
   * fsync anyway, and one transaction writes each page once where one per turn of the loop wrote it many times.
   */
  hold?: () => Promise<void> | undefined;
}

export interface GroupCommitStats {
  /** Transactions committed (or attempted), each serving one batch. */
  transactions: number;
  /** Requests served, successful or not. */
  requests: number;
  /** The largest number of requests one transaction served. */
  largestBatch: number;
}

interface Pending<R, T> {
  request: R;
  weight: number;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Group commit: requests that arrive while a batch is being gathered (the same turn of the event loop, or while the
 * previous transaction ran and blocked it) are handed to `commit` together, so one transaction and one fsync serve
 * them all. `commit` returns one outcome per request, in order; if it throws, every request of the batch fails.
 */
export class GroupCommitter<R, T> {
  private queue: Pending<R, T>[] = [];
  private scheduled = false;
  private idle: (() => void)[] = [];
  private readonly counters: GroupCommitStats = { transactions: 0, requests: 0, largestBatch: 0 };

  constructor(
    private readonly commit: (batch: R[]) => Outcome<T>[],
    private readonly options: GroupCommitOptions,
  ) {}

  submit(request: R, weight: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ request, weight, resolve, reject });
      this.schedule();
    });
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  /** Resolves once every request submitted so far has been committed or failed. */
  drained(): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: callers awaiting in parallel get to enqueue before the batch is cut.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const hold = this.options.hold?.();
    if (hold) {
      // Still scheduled: later requests join the queue, and the batch is cut a turn after the hold, as after a commit.
      void hold.then(() => setImmediate(() => this.flush()));
      return;
    }
    this.scheduled = false;
    const batch = this.takeBatch();
    if (batch.length > 0) this.run(batch);
    if (this.queue.length > 0) this.schedule();
    else this.idle.splice(0).forEach((resolve) => resolve());
  }

  private takeBatch(): Pending<R, T>[] {
    let weight = 0;
    let count = 0;
    while (count < this.queue.length && count < this.options.maxRequests) {
      const next = this.queue[count].weight;
      if (count > 0 && weight + next > this.options.maxWeight) break;
      weight += next;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private run(batch: Pending<R, T>[]): void {
    this.counters.transactions++;
    this.counters.requests += batch.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
    let outcomes: Outcome<T>[];
    try {
      outcomes = this.commit(batch.map((p) => p.request));
    } catch (error) {
      batch.forEach((p) => p.reject(error));
      return;
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.error);
    });
  }
}
