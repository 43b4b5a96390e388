import type {
  AppendResult,
  EventStore,
  LogSubscription,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store/event-store.port';
import { comparePositions, type Position } from '../event-store';

/** Where a rebuild stops: at a log position (inclusive), at a log time (inclusive), or at the head. */
export interface LogBound {
  position?: Position;
  /** Epoch ms: events recorded later are left out. */
  time?: number;
}

export interface LogExtent {
  /** Events up to the bound. */
  count: number;
  /** The last of them; undefined when there is none. */
  head?: Position;
}

const PAGE = 1000;

/**
 * One pass over the log up to the bound: how many events a rebuild will fold (the progress bar's total) and the
 * exact position it must reach. Log time only grows along the log, so the first event past a time bound ends it.
 */
export async function scanLog(log: EventStore, bound: LogBound = {}): Promise<LogExtent> {
  const extent: LogExtent = { count: 0 };
  let after: Position | undefined;
  for (;;) {
    const page = await log.readAll({ after, limit: PAGE });
    for (const recorded of page) {
      if (beyond(recorded, bound)) return extent;
      extent.count++;
      extent.head = recorded.position;
    }
    if (page.length < PAGE) return extent;
    after = page[page.length - 1].position;
  }
}

function beyond(recorded: RecordedEvent, bound: LogBound): boolean {
  if (bound.position !== undefined && comparePositions(recorded.position, bound.position) > 0) return true;
  return bound.time !== undefined && recorded.recordedAt.getTime() > bound.time;
}

/**
 * The log as it stood at `head`: a read-only view a rebuild folds, so a projector (which follows its log live and
 * waits for more) sees exactly the prefix and then a quiet log, and its whenIdle() means "reached the bound".
 */
export class BoundedLog implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly head: Position | undefined,
  ) {}

  append(): Promise<AppendResult> {
    return Promise.reject(new Error('A bounded log view is read-only'));
  }

  eraseStreams(): Promise<number> {
    return Promise.reject(new Error('A bounded log view is read-only'));
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(stream, options)).filter((r) => this.within(r.position));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).filter((r) => this.within(r.position));
  }

  subscribeToAll(options?: { after?: Position }): LogSubscription {
    return boundedSubscription(this.inner, this.head, options?.after);
  }

  async headPosition(): Promise<Position | undefined> {
    return this.head;
  }

  /** The inner log belongs to the caller. */
  async close(): Promise<void> {}

  private within(position: Position): boolean {
    return this.head !== undefined && comparePositions(position, this.head) <= 0;
  }
}

/**
 * Delivers the prefix, then stays open and silent until closed, like a live subscription on a quiet log.
 * `caughtUp` resolves as the event at the bound is handed over (or the inner subscription caught up with a log that
 * lost it): a rebuild fills its batches until then (fillBatchesUntilCaughtUp). Resolved at once, every batch of the
 * CLI's rebuild ended at the subscription's first turn (16 pages, 4,096 events), whatever its batch size said.
 */
function boundedSubscription(inner: EventStore, head: Position | undefined, after: Position | undefined): LogSubscription {
  let release!: () => void;
  const closed = new Promise<void>((resolve) => (release = resolve));
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  const done = head === undefined || (after !== undefined && comparePositions(after, head) >= 0);
  const source = done ? undefined : inner.subscribeToAll({ after });
  if (source) void source.caughtUp.then(markCaughtUp, markCaughtUp);
  else markCaughtUp();
  async function* events(): AsyncGenerator<RecordedEvent> {
    if (source) {
      for await (const recorded of source) {
        const order = comparePositions(recorded.position, head!);
        if (order > 0) break;
        if (order === 0) markCaughtUp();
        yield recorded;
        if (order === 0) break;
      }
      await source.close();
    }
    markCaughtUp();
    await closed;
  }
  const iterable = events();
  return {
    caughtUp,
    [Symbol.asyncIterator]: () => iterable,
    close: async () => {
      release();
      await source?.close();
    },
  };
}
