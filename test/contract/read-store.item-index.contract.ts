import type { ItemIndexEntry } from '../../src/read-store';
import type { ReadStoreContext } from './read-store.fixtures';

const A = 'CRMID:tom';
const B = 'Email:tom@acme.com';
const C = 'ECID:111';

function entry(identityKey: string, eventId: string, position: string, recordedAt: number): ItemIndexEntry {
  return { identityKey, eventId, position, recordedAt, stream: `s-${eventId}`, revision: Number(position.split('/')[0]) };
}

/** The identity→items index asOf and history follow: rows per identity, in log order, filtered by log time. */
export function describeItemIndex(ctx: ReadStoreContext) {
  describe('item index', () => {
    it('serves the rows of the given identities in log order, positions compared as numbers', async () => {
      const rows = [entry(A, 'i2', '10/10', 200), entry(B, 'i2', '10/10', 200), entry(A, 'i1', '9/9', 100)];
      await ctx.store.commit({ itemIndex: rows }, { projector: 'graph', position: '10/10' });
      await ctx.store.commit({ itemIndex: [entry(C, 'i3', '11/11', 300)] }, { projector: 'graph', position: '11/11' });
      expect(await ctx.store.getItemsOfIdentities([A])).toEqual([entry(A, 'i1', '9/9', 100), entry(A, 'i2', '10/10', 200)]);
      expect((await ctx.store.getItemsOfIdentities([C, B])).map((r) => r.eventId)).toEqual(['i2', 'i3']);
      expect(await ctx.store.getItemsOfIdentities([])).toEqual([]);
      expect(await ctx.store.getItemsOfIdentities(['Phone:none'])).toEqual([]);
    });

    it('filters by log time (strictly before), by item and by count', async () => {
      const rows = [entry(A, 'i1', '1', 100), entry(A, 'i2', '2', 200), entry(A, 'i3', '3', 300)];
      await ctx.store.commit({ itemIndex: rows }, { projector: 'graph', position: '3' });
      const ids = async (q: Parameters<typeof ctx.store.getItemsOfIdentities>[1]) =>
        (await ctx.store.getItemsOfIdentities([A], q)).map((r) => r.eventId);
      expect(await ids({ recordedBefore: 200 })).toEqual(['i1']);
      expect(await ids({ recordedBefore: 201 })).toEqual(['i1', 'i2']);
      expect(await ids({ eventIds: ['i3', 'i1'] })).toEqual(['i1', 'i3']);
      expect(await ids({ limit: 2 })).toEqual(['i1', 'i2']);
      expect(await ids({ recordedBefore: 50 })).toEqual([]);
    });

    it('keeps each row once when a batch is applied again under another projector', async () => {
      const rows = [entry(A, 'i1', '1', 100)];
      await ctx.store.commit({ itemIndex: rows }, { projector: 'graph', position: '1' });
      await ctx.store.commit({ itemIndex: [...rows, ...rows] }, { projector: 'other', position: '1' });
      expect(await ctx.store.getItemsOfIdentities([A])).toEqual(rows);
    });
  });
}
