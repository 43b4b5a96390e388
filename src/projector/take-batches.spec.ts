import { takeBatches } from './take-batches';

async function collect<T>(it: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const b of it) out.push(b);
  return out;
}

async function* ready(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

/** Emits `first` items at once, then waits for `release` before the rest: a log that goes quiet. */
async function* burstThenWait(first: number, release: Promise<void>, rest: number) {
  for (let i = 0; i < first; i++) yield i;
  await release;
  for (let i = first; i < first + rest; i++) yield i;
}

describe('takeBatches', () => {
  it('given a source with everything ready, when batching, then batches are full except the last', async () => {
    const batches = await collect(takeBatches(ready(25), 10));
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual([...Array(25).keys()]);
  });

  it('given a source that goes quiet, when batching, then what is ready is handed over without waiting', async () => {
    let open!: () => void;
    const release = new Promise<void>((r) => (open = r));
    const seen: number[][] = [];
    const consumer = (async () => {
      for await (const b of takeBatches(burstThenWait(3, release, 2), 100)) {
        seen.push(b);
        if (seen.length === 1) open();
      }
    })();
    await consumer;
    expect(seen[0]).toEqual([0, 1, 2]);
    expect(seen.flat()).toEqual([0, 1, 2, 3, 4]);
  });

  it('given a consumer that stops early, when it breaks, then the source is closed', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const b of takeBatches(source(), 4)) {
      expect(b).toHaveLength(4);
      break;
    }
    expect(closed).toBe(true);
  });

  describe('with a linger', () => {
    /** Items 0..first-1 at once, then each later item when the test calls `arrive()`. */
    function controlled(first: number, total: number) {
      const arrivals: (() => void)[] = [];
      const gates = Array.from({ length: total }, (_, i) => (i < first ? Promise.resolve() : new Promise<void>((r) => arrivals.push(r))));
      async function* source() {
        for (let i = 0; i < total; i++) {
          await gates[i];
          yield i;
        }
      }
      return { source: source(), arrive: () => arrivals.shift()?.() };
    }
    const never = () => new Promise<void>(() => undefined);

    it('given a busy log, when the next item comes within the linger, then it joins the batch', async () => {
      const { source, arrive } = controlled(2, 3);
      let lingering = false;
      const wait = () => ((lingering = true), arrive(), never());
      const batches = await collect(takeBatches(source, 10, { lingerMs: 5, now: () => 0, wait }));
      expect(lingering).toBe(true);
      expect(batches).toEqual([[0, 1, 2]]);
    });

    it('given a busy log, when the linger runs out first, then the batch is handed over without the late item', async () => {
      const { source, arrive } = controlled(2, 3);
      const seen: number[][] = [];
      for await (const b of takeBatches(source, 10, { lingerMs: 5, now: () => 0, wait: async () => undefined })) {
        seen.push(b);
        if (seen.length === 1) arrive();
      }
      expect(seen).toEqual([[0, 1], [2]]);
    });

    it('given a quiet log, when an item arrives, then it is handed over without lingering', async () => {
      const { source, arrive } = controlled(0, 2);
      const seen: number[][] = [];
      setImmediate(() => setImmediate(arrive)); // after the batcher has found the log empty
      for await (const b of takeBatches(source, 10, { lingerMs: 5, now: () => 0, wait: never })) {
        seen.push(b);
        if (seen.length === 1) arrive();
      }
      expect(seen).toEqual([[0], [1]]);
    });
  });

  describe('filling while behind', () => {
    /**
     * Items 0..total-1, with event-loop turns after every `every` items (the SQLite subscription's page turns; two,
     * so the item comes after the batcher's own turn, as it does behind the subscription's wrappers).
     */
    async function* turning(total: number, every: number) {
      for (let i = 0; i < total; i++) {
        if (i > 0 && i % every === 0) await new Promise((r) => setImmediate(() => setImmediate(r)));
        yield i;
      }
    }

    it('given a source that turns the event loop between pages, when not filling, then a turn ends the batch', async () => {
      const batches = await collect(takeBatches(turning(12, 4), 10));
      expect(batches.map((b) => b.length)).toEqual([4, 4, 4]);
    });

    it('given a source that turns the event loop between pages, when filling while behind, then batches are full', async () => {
      const batches = await collect(takeBatches(turning(25, 4), 10, { fillWhile: () => true }));
      expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
      expect(batches.flat()).toEqual([...Array(25).keys()]);
    });

    it('given a rebuild that has caught up, when the source turns, then the batch is handed over at the turn again', async () => {
      let behind = true;
      const seen: number[][] = [];
      for await (const b of takeBatches(turning(12, 4), 10, { fillWhile: () => behind })) {
        seen.push(b);
        behind = false;
      }
      expect(seen.map((b) => b.length)).toEqual([10, 2]);
    });
  });
});
