import type { ComputedValuesRow, ComputedWrites, ReadStore } from '../read-store';
import { TimerHead } from './timer-head';

/** The values rows' due times, as the store's timer-queue query reads them (soonest, then graph id), counting reads. */
function valuesStore(rows: Record<string, number | undefined>) {
  const dues = new Map(Object.entries(rows));
  let reads = 0;
  const store = {
    getDueComputed: async (now: number, limit: number): Promise<ComputedValuesRow[]> => {
      reads++;
      return [...dues]
        .filter((e): e is [string, number] => e[1] !== undefined && e[1] <= now)
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([graphId, dueAt]) => ({ graphId, values: {}, dueAt }));
    },
  } as unknown as ReadStore;
  const write = (values: NonNullable<ComputedWrites['values']>) => {
    for (const v of values.upsert ?? []) dues.set(v.graphId, v.dueAt);
    for (const g of values.delete ?? []) dues.delete(g);
  };
  const truth = async () => (await store.getDueComputed(Number.MAX_SAFE_INTEGER, 1))[0]?.dueAt;
  return { store, write, truth, reads: () => reads };
}

const row = (graphId: string, dueAt?: number) => ({ graphId, values: {}, ...(dueAt === undefined ? {} : { dueAt }) });

describe('TimerHead', () => {
  it('given parts that write values, when asked after each, then it answers as the store would, reading again only when the head graph was rewritten or deleted', async () => {
    const s = valuesStore({ a: 50, b: 50, c: 70, d: undefined });
    const head = new TimerHead(s.store);
    const parts: Array<NonNullable<ComputedWrites['values']>> = [
      { upsert: [row('d', 60)] }, // later than the head: no change
      { upsert: [row('e', 40)] }, // sooner: the new head, no read
      { upsert: [row('c', 45)] }, // sooner than 50, later than 40
      { upsert: [row('e', 90)] }, // the head's graph moved later: read again (45, c)
      { delete: ['c'] }, // the head's graph deleted: read again (50, a)
      { upsert: [row('a')] }, // the head's graph no longer due: read again (50, b, its tie)
      { upsert: [row('b')], delete: [] }, // read again (60, d)
      { upsert: [row('d'), row('e')] }, // read again: nothing due anywhere
      { upsert: [row('f', 10)] }, // the new head, no read
    ];
    expect(await head.soonest()).toBe(50);
    const answers: Array<number | undefined> = [];
    for (const values of parts) {
      s.write(values);
      head.committed(values);
      const [answer, truth] = [await head.soonest(), await s.truth()];
      expect(answer).toBe(truth);
      answers.push(answer);
    }
    expect(answers).toEqual([50, 40, 40, 45, 50, 50, 60, undefined, 10]);
    // The reads: one at the start, one after each of the five parts that rewrote the head's graph, one per truth above.
    expect(s.reads() - parts.length).toBe(1 + 5);
  });

  it('given a head read before, when told to forget it, then it reads the store again', async () => {
    const s = valuesStore({ a: 50 });
    const head = new TimerHead(s.store);
    expect(await head.dueBy(49)).toBe(false);
    s.write({ upsert: [row('a', 20)] }); // a lapse or a backfill ahead wrote it, not a part
    head.forget();
    expect(await head.dueBy(49)).toBe(true);
    expect(s.reads()).toBe(2);
  });
});
