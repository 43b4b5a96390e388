/**
 * Groups a pulled stream into batches without adding latency: it keeps pulling while the next item is already
 * available (resolved before the event loop turns), and hands over the batch the moment the source would make it
 * wait, or when the batch is full. A quiet log therefore yields batches of one within a millisecond, a busy log
 * yields full batches: freshness and throughput from the same loop, and back-pressure is kept because nothing is
 * pulled while a batch is being processed.
 */
export async function* takeBatches<T>(source: AsyncIterable<T>, maxSize: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  let batch: T[] = [];
  try {
    for (;;) {
      pending ??= iterator.next();
      const next = batch.length === 0 ? await pending : await raceTurn(pending);
      if (next === TURN) {
        yield flush();
        continue;
      }
      pending = undefined;
      if (next.done) break;
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

const TURN = Symbol('turn');

/** Resolves with the promise's value if it is ready before the event loop turns, else with TURN. */
function raceTurn<V>(promise: Promise<V>): Promise<V | typeof TURN> {
  return Promise.race([promise, new Promise<typeof TURN>((resolve) => setImmediate(() => resolve(TURN)))]);
}
