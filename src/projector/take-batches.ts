/**
 * Groups a pulled stream into batches without adding latency: it keeps pulling while the next item is already
 * available (resolved before the event loop turns), and hands over the batch the moment the source would make it
 * wait, or when the batch is full. A quiet log therefore yields batches of one within a millisecond, a busy log
 * yields full batches: freshness and throughput from the same loop, and back-pressure is kept because nothing is
 * pulled while a batch is being processed.
 *
 * `lingerMs`: under a stream of single appends (one event per request, each its own group commit) the next event is
 * rarely there before the turn, so every batch held a few events and paid a read-model transaction each. When the
 * log is busy (the batch's first item was already waiting when asked for: events arrived while the previous batch
 * was applied) the batch waits up to `lingerMs` from its first item for more. After a quiet spell nothing waits.
 */
export interface BatchTiming {
  lingerMs?: number;
  now?: () => number;
  /** Resolves after `ms` (tests pass their own clock). */
  wait?: (ms: number) => Promise<void>;
  /**
   * While this answers true (a rebuild that has not reached the log's end yet), a turn does not end the batch: the
   * source only gave the event loop a turn (the SQLite subscription does every 16 pages), more is on its way, so
   * the batch fills to `maxSize`. Without it a rebuild's batches stopped at 16 pages (4,096 events) or less.
   */
  fillWhile?: () => boolean;
}

export async function* takeBatches<T>(source: AsyncIterable<T>, maxSize: number, timing: BatchTiming = {}): AsyncGenerator<T[]> {
  const { lingerMs = 0, now = () => performance.now(), wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), fillWhile } = timing;
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  let batch: T[] = [];
  let firstAt = 0;
  let busy = false;
  try {
    for (;;) {
      pending ??= iterator.next();
      let next = await raceTurn(pending);
      if (next === TURN && batch.length > 0 && fillWhile?.()) next = await pending;
      if (batch.length === 0) {
        // Busy: the first item was already waiting, so events came in while the last batch was being applied.
        busy = next !== TURN;
        if (next === TURN) next = await pending;
      } else if (next === TURN && busy && lingerMs > 0) {
        const left = firstAt + lingerMs - now();
        if (left > 0) next = await Promise.race([pending, wait(left).then((): typeof TURN => TURN)]);
      }
      if (next === TURN) {
        yield flush();
        continue;
      }
      pending = undefined;
      if (next.done) break;
      if (batch.length === 0) firstAt = now();
      batch.push(next.value);
      if (batch.length >= maxSize) yield flush();
    }
    if (batch.length > 0) yield flush();
  } finally {
    await iterator.return?.();
  }

  function flush(): T[] {
    const out = batch;
    batch = [];
    return out;
  }
}

const TURN: unique symbol = Symbol('turn');

/** Resolves with the promise's value if it is ready before the event loop turns, else with TURN. */
function raceTurn<V>(promise: Promise<V>): Promise<V | typeof TURN> {
  return Promise.race([promise, new Promise<typeof TURN>((resolve) => setImmediate(() => resolve(TURN)))]);
}
