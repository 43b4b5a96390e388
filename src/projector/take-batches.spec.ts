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
});
