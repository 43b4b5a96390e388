import { GroupCommitter, type Outcome } from './group-commit';

/** A committer over plain numbers: the commit doubles each request, and fails the negative ones on their own. */
function committer(options = { maxRequests: 100, maxWeight: 1000 }) {
  const batches: number[][] = [];
  const gc = new GroupCommitter<number, number>((batch) => {
    batches.push(batch);
    return batch.map((n): Outcome<number> => (n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 2 }));
  }, options);
  return { gc, batches };
}

describe('group commit', () => {
  it('hands requests made in the same turn to one commit, each caller getting its own outcome', async () => {
    const { gc, batches } = committer();
    const outcomes = await Promise.allSettled([1, -2, 3].map((n) => gc.submit(n, 1)));
    expect(batches).toEqual([[1, -2, 3]]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      2,
      'bad -2',
      6,
    ]);
    expect(gc.stats()).toEqual({ transactions: 1, requests: 3, largestBatch: 3 });
  });

  it('cuts batches at the request and weight bounds, letting a heavy request through alone', async () => {
    const { gc, batches } = committer({ maxRequests: 2, maxWeight: 10 });
    await Promise.all([
      gc.submit(1, 1),
      gc.submit(2, 1),
      gc.submit(3, 1),
      gc.submit(4, 9),
      gc.submit(5, 50),
      gc.submit(6, 1),
    ]);
    expect(batches).toEqual([[1, 2], [3, 4], [5], [6]]);
  });

  it('fails every request of a batch whose commit throws, and keeps serving later ones', async () => {
    let fail = true;
    const gc = new GroupCommitter<number, number>(
      (batch) => {
        if (fail) throw new Error('disk full');
        return batch.map((n) => ({ ok: true, value: n }));
      },
      { maxRequests: 10, maxWeight: 10 },
    );
    const failed = await Promise.allSettled([gc.submit(1, 1), gc.submit(2, 1)]);
    expect(failed.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(gc.submit(3, 1)).resolves.toBe(3);
  });

  it('reports drained once everything submitted has been served', async () => {
    const { gc } = committer({ maxRequests: 1, maxWeight: 10 });
    const served: number[] = [];
    for (const n of [1, 2, 3]) void gc.submit(n, 1).then((v) => served.push(v));
    await gc.drained();
    await Promise.resolve();
    expect(served).toEqual([2, 4, 6]);
    await expect(gc.drained()).resolves.toBeUndefined();
  });

  it('cuts no batch while the hold is on, then serves everything that waited in one', async () => {
    let release!: () => void;
    let hold: Promise<void> | undefined = new Promise<void>((resolve) => (release = resolve));
    const batches: number[][] = [];
    const gc = new GroupCommitter<number, number>(
      (batch) => (batches.push(batch), batch.map((n) => ({ ok: true, value: n }))),
      { maxRequests: 10, maxWeight: 10, hold: () => hold },
    );
    const served = Promise.all([gc.submit(1, 1), gc.submit(2, 1)]);
    await new Promise((r) => setImmediate(r));
    const third = gc.submit(3, 1);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([]);
    hold = undefined;
    release();
    await expect(served).resolves.toEqual([1, 2]);
    await third;
    expect(batches).toEqual([[1, 2, 3]]);
  });
});
