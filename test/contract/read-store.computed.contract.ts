import type { ComputedWrites } from '../../src/read-store';
import { profile, type ReadStoreContext } from './read-store.fixtures';

const TOM = 'CRMID:tom';
const ANN = 'CRMID:ann';
const BOB = 'CRMID:bob';

function writes(): ComputedWrites {
  return {
    states: { upsert: [{ primaryKey: TOM, doc: { now: 5, defs: { n: { ver: 1, acc: { n: 2 } } } } }, { primaryKey: ANN, doc: { now: 5, defs: {} } }] },
    values: {
      upsert: [
        { graphId: TOM, values: { n: 2, 'odd.key$': [1] }, dueAt: 3000 },
        { graphId: ANN, values: { n: 0 }, dueAt: 1000 },
        { graphId: BOB, values: { n: 0 } },
      ],
    },
    backfills: { upsert: [{ name: 'n', version: 1, status: 'backfilling', done: 1, total: 3, cursor: TOM }] },
  };
}

/** Computed attributes: engine states, values with the timer queue, backfill records; in a batch or on their own. */
export function describeComputed(ctx: ReadStoreContext) {
  describe('computed attributes', () => {
    it('stores states, values and backfills with a batch, and serves them by key', async () => {
      await ctx.store.commit({ computed: writes(), profiles: { upsert: [profile(TOM), profile(ANN)] } }, { projector: 'p', position: '5' });
      expect(await ctx.store.getComputedStates([TOM, 'CRMID:nobody'])).toEqual([writes().states!.upsert![0]]);
      const values = await ctx.store.getComputedValues([TOM, BOB]);
      expect(values.sort((a, b) => (a.graphId < b.graphId ? -1 : 1))).toEqual([
        { graphId: BOB, values: { n: 0 } },
        { graphId: TOM, values: { n: 2, 'odd.key$': [1] }, dueAt: 3000 },
      ]);
      expect(await ctx.store.getComputedBackfills()).toEqual(writes().backfills!.upsert);
      expect(await ctx.store.countProfiles()).toBe(2);
    });

    it('answers the timer queue: graphs due at or before now, soonest first, at most limit', async () => {
      await ctx.store.commitComputed(writes());
      expect((await ctx.store.getDueComputed(999, 10)).map((v) => v.graphId)).toEqual([]);
      expect((await ctx.store.getDueComputed(1000, 10)).map((v) => v.graphId)).toEqual([ANN]);
      expect((await ctx.store.getDueComputed(5000, 10)).map((v) => v.graphId)).toEqual([ANN, TOM]);
      expect((await ctx.store.getDueComputed(5000, 1)).map((v) => v.graphId)).toEqual([ANN]);
    });

    it('replaces and deletes on their own, without moving any checkpoint', async () => {
      await ctx.store.commitComputed(writes());
      await ctx.store.commitComputed({
        values: { upsert: [{ graphId: ANN, values: { n: 1 } }], delete: [TOM] },
        backfills: { upsert: [{ name: 'n', version: 1, status: 'ready', done: 3, total: 3 }], delete: ['gone'] },
      });
      expect(await ctx.store.getComputedValues([TOM, ANN])).toEqual([{ graphId: ANN, values: { n: 1 } }]);
      expect(await ctx.store.getDueComputed(10_000, 10)).toEqual([]);
      expect(await ctx.store.getComputedBackfills()).toEqual([{ name: 'n', version: 1, status: 'ready', done: 3, total: 3 }]);
      expect(await ctx.store.getCheckpoint('p')).toBeUndefined();
    });

    it('ignores the computed writes of a batch at or before the checkpoint', async () => {
      await ctx.store.commit({}, { projector: 'p', position: '7' });
      await ctx.store.commit({ computed: writes() }, { projector: 'p', position: '7' });
      expect(await ctx.store.getComputedStates([TOM])).toEqual([]);
    });

    it('erasure removes the subject’s state and values', async () => {
      await ctx.store.commitComputed(writes());
      await ctx.store.eraseSubjects({ identityKeys: [TOM], streams: [], rewrittenEvents: [] });
      expect(await ctx.store.getComputedStates([TOM, ANN])).toEqual([writes().states!.upsert![1]]);
      expect((await ctx.store.getComputedValues([TOM, ANN])).map((v) => v.graphId)).toEqual([ANN]);
    });
  });
}
