import type { RecordedEvent } from '../event-store.port';
import { DONE, SerialSubscription } from '../serial-subscription';
import type { AppendSignal } from './append-signal';

/** What a subscription needs from the store: a page reader, the durable watermark, the head at start, the append signal. */
export interface LogSource {
  readAfter(position: number, limit: number): RecordedEvent[];
  /** Resolves once the event at this position is on disk (durable-watermark.ts); rejects if the log failed to sync. */
  durable(position: number): Promise<void>;
  headNumber(): number;
  readonly signal: AppendSignal;
  isOpen(): boolean;
}

export interface SubscriptionOptions {
  pageSize: number;
  /**
   * How often an idle subscription looks for appends by another process (the in-process ones wake it at once). While
   * another process is appending (a look found entries in the last BUSY_WINDOW_MS), it looks every BUSY_POLL_MS;
   * then the wait doubles back to this.
   */
  pollIntervalMs: number;
}

/**
 * The look after one that found another process's appends: an external projector (PROJECTOR=external on SQLite)
 * otherwise handed each event over up to pollIntervalMs late, about 120 ms at the median under load (BENCHMARKS.md,
 * session 13), where the in-process one takes a few milliseconds.
 */
export const BUSY_POLL_MS = 10;
/** How long after a look last found another process's appends the looks stay short (at most 100 looks a second). */
export const BUSY_WINDOW_MS = 1000;

/** Pages read back to back before the event loop gets a turn (a turn is also had whenever the reader waits). */
const PAGES_PER_TURN = 16;

/**
 * Pages through the log, then waits for appends. It reads the next page only when the consumer has taken the
 * previous one, so at most one page is held in memory however far behind the consumer is. A page is handed over
 * only once its last event is durable: a read model (or a webhook) must never get ahead of what a power cut leaves
 * of the log. If the log fails to sync, the pull rejects and the page is dropped, not delivered later.
 *
 * `caughtUp` resolves as the consumer is handed the last event that was in the log when the subscription started
 * (at once if there was nothing to deliver); a consumer that needs "processed" checks it before its next pull.
 */
export class SqliteLogSubscription extends SerialSubscription {
  readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private readonly startHead: number;
  private page: RecordedEvent[] = [];
  private readPosition: number;
  private closed = false;
  private wake?: () => void;
  private pagesWithoutTurn = 0;
  /**
   * The next wait for another process's appends; whether the last wait ended by that look (not by a wake); when a
   * look last found some.
   */
  private pollMs: number;
  private looked = false;
  private foundAt?: number;

  constructor(
    private readonly source: LogSource,
    after: number,
    private readonly options: SubscriptionOptions,
    private readonly onClose: (subscription: SqliteLogSubscription) => void,
  ) {
    super();
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
    this.pollMs = options.pollIntervalMs;
    this.startHead = source.headNumber();
    this.readPosition = after;
    if (this.startHead <= after) this.markCaughtUp();
  }

  /** Events not yet handed to the consumer: bounded by one page (back-pressure). */
  get buffered(): number {
    return this.page.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.page = [];
    this.wake?.();
    this.onClose(this);
  }

  protected async pull(): Promise<IteratorResult<RecordedEvent>> {
    for (;;) {
      if (this.closed || !this.source.isOpen()) return DONE;
      const event = this.page.shift();
      if (event) {
        if (Number(event.position) >= this.startHead) this.markCaughtUp();
        return { done: false, value: event };
      }
      // Every few pages, let the event loop run: a consumer that keeps up with a busy writer would otherwise find a
      // new page on every read and never give timers or I/O a turn (pull and hand-over are microtasks only). Not
      // after every page: a turn ends the projector's batch there (take-batches.ts), so a rebuild's 5,000-event
      // batches and a catch-up's 500 became batches of one page, and the projector fell seconds behind a load.
      if (++this.pagesWithoutTurn >= PAGES_PER_TURN) {
        this.pagesWithoutTurn = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.closed || !this.source.isOpen()) return DONE;
      }
      const page = this.source.readAfter(this.readPosition, this.options.pageSize);
      if (this.looked) this.nextLook(page.length > 0);
      if (page.length > 0) {
        const last = Number(page[page.length - 1].position);
        await this.source.durable(last);
        if (this.closed || !this.source.isOpen()) return DONE;
        this.page = page;
        this.readPosition = last;
      } else {
        await this.waitForAppend();
        this.pagesWithoutTurn = 0;
      }
    }
  }

  /** After a look: short ones while another process appended within BUSY_WINDOW_MS, then doubling to the interval. */
  private nextLook(found: boolean): void {
    this.looked = false;
    const now = Date.now();
    if (found) this.foundAt = now;
    const busy = this.foundAt !== undefined && now - this.foundAt < BUSY_WINDOW_MS;
    const short = Math.min(BUSY_POLL_MS, this.options.pollIntervalMs);
    this.pollMs = busy ? short : Math.min(this.options.pollIntervalMs, Math.max(short, this.pollMs) * 2);
  }

  private waitForAppend(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(() => {
        this.looked = true;
        done();
      }, this.pollMs);
      const off = this.source.signal.on(done);
      this.wake = done;
    });
  }
}
