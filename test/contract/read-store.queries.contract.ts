import type { EventsQuery } from '../../src/read-store';
import { allPages, event, expectAppError, profile, type ReadStoreContext } from './read-store.fixtures';

const A = 'CRMID:tom';
const C = 'ECID:111';
const D = 'ECID:222';
const OTHER = 'CRMID:ann';

/** e1..e8 over three identities (one outside the graph), with a timestamp tie broken by event id. */
const timeline = [
  event('e1', A, 100, '1', 'view'),
  event('e2', C, 200, '2', 'purchase'),
  event('e3', D, 200, '3', 'view'),
  event('e4', A, 300, '4', 'call'),
  event('e5', OTHER, 250, '5', 'view'),
  event('e6', C, 400, '6', 'view'),
  event('e7', D, 500, '7', 'purchase'),
  event('e8', A, 600, '8', 'view'),
];

const graph = (changes: Partial<EventsQuery> = {}): EventsQuery => ({
  primaryKeys: [A, C, D],
  order: 'asc',
  limit: 100,
  ...changes,
});

export function describeReadStoreQueries(ctx: ReadStoreContext) {
  describe('timeline', () => {
    beforeEach(() => ctx.store.commit({ events: timeline }, { projector: 'profiles', position: '8' }));
    const ids = async (query: EventsQuery) => (await ctx.store.queryEvents(query)).items.map((e) => e.eventId);

    it('is the union of the given identities, by timestamp then event id, either way', async () => {
      expect(await ids(graph())).toEqual(['e1', 'e2', 'e3', 'e4', 'e6', 'e7', 'e8']);
      expect(await ids(graph({ order: 'desc' }))).toEqual(['e8', 'e7', 'e6', 'e4', 'e3', 'e2', 'e1']);
      expect(await ids(graph({ primaryKeys: [OTHER, OTHER] }))).toEqual(['e5']);
      expect(await ids(graph({ primaryKeys: ['Email:nobody'] }))).toEqual([]);
    });

    it('breaks timestamp ties by event id consistently across pages, whatever the ids hold', async () => {
      const tied = ['t-\u{1F600}', 't-\uFF21', 't-a', 't-Z'].map((id, i) => event(id, C, 999, String(20 + i)));
      await ctx.store.commit({ events: tied }, { projector: 'profiles', position: '30' });
      for (const order of ['asc', 'desc'] as const) {
        const whole = await ids(graph({ order, from: 999, to: 1000 }));
        expect(whole.sort()).toEqual(tied.map((e) => e.eventId).sort());
        const paged = await allPages(ctx.store, graph({ order, from: 999, to: 1000, limit: 1 }));
        expect(paged.ids).toEqual(await ids(graph({ order, from: 999, to: 1000 })));
      }
    });

    it('returns events as they were stored', async () => {
      const page = await ctx.store.queryEvents(graph({ limit: 1 }));
      expect(page.items).toEqual([timeline[0]]);
    });

    it('filters by time window (from inclusive, to exclusive) and by type', async () => {
      expect(await ids(graph({ from: 200, to: 500 }))).toEqual(['e2', 'e3', 'e4', 'e6']);
      expect(await ids(graph({ from: 200, to: 500, order: 'desc' }))).toEqual(['e6', 'e4', 'e3', 'e2']);
      expect(await ids(graph({ types: ['purchase'] }))).toEqual(['e2', 'e7']);
      expect(await ids(graph({ types: ['purchase', 'call'], order: 'desc' }))).toEqual(['e7', 'e4', 'e2']);
      expect(await ids(graph({ types: [] }))).toHaveLength(7);
    });

    it('pages with cursors: every event exactly once, in order, and no cursor after the last page', async () => {
      for (const order of ['asc', 'desc'] as const) {
        const all = await ids(graph({ order }));
        for (const limit of [1, 2, 3, 7]) {
          const paged = await allPages(ctx.store, graph({ order, limit }));
          expect(paged.ids).toEqual(all);
          expect(paged.pages).toBe(Math.ceil(all.length / limit));
        }
      }
      const windowed = await allPages(ctx.store, graph({ from: 200, to: 600, types: ['view'], limit: 1 }));
      expect(windowed.ids).toEqual(['e3', 'e6']);
    });

    it('sees events that land after a page was served, when they sort after the cursor', async () => {
      const first = await ctx.store.queryEvents(graph({ limit: 7 }));
      expect(first.nextCursor).toBeUndefined();
      const page = await ctx.store.queryEvents(graph({ limit: 6 }));
      await ctx.store.commit({ events: [event('e9', C, 700, '9')] }, { projector: 'profiles', position: '9' });
      const next = await ctx.store.queryEvents(graph({ limit: 6, cursor: page.nextCursor }));
      expect(next.items.map((e) => e.eventId)).toEqual(['e8', 'e9']);
    });

    it('rejects a malformed cursor, a cursor of the other order, a limit outside 1..1000 and a NaN time', async () => {
      const page = await ctx.store.queryEvents(graph({ limit: 2 }));
      await expectAppError(ctx.store.queryEvents(graph({ cursor: 'not-a-cursor' })), 'READ_STORE_BAD_CURSOR');
      await expectAppError(
        ctx.store.queryEvents(graph({ order: 'desc', cursor: page.nextCursor })),
        'READ_STORE_BAD_CURSOR',
      );
      await expectAppError(ctx.store.queryEvents(graph({ limit: 0 })), 'READ_STORE_BAD_LIMIT');
      await expectAppError(ctx.store.queryEvents(graph({ limit: 1001 })), 'READ_STORE_BAD_LIMIT');
      await expectAppError(ctx.store.queryEvents(graph({ from: Date.parse('yesterday') })), 'READ_STORE_BAD_WINDOW');
    });
  });

  describe('profile browsing', () => {
    const ids = ['CRMID:a', 'CRMID:b', 'Email:c@x.io', 'ECID:d', 'Phone:+47 e', 'Email:\u{1F600}@x', 'Email:\uFF21@x'];
    /** Beyond ASCII the order is the database's own (MongoDB: UTF-8 bytes; jongodb: UTF-16 units). */
    const ascii = (list: string[]) => list.filter((id) => /^[\x20-\x7e]*$/.test(id));
    beforeEach(() =>
      ctx.store.commit(
        { profiles: { upsert: [...ids].reverse().map((id, i) => profile(id, 1000 + i)) } },
        { projector: 'profiles', position: '3' },
      ),
    );

    it('lists profiles in graph id order, page by page, each once, whatever the identity values hold', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await ctx.store.listProfiles({ limit: 2, cursor });
        seen.push(...page.items.map((p) => p.graphId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect([...seen].sort()).toEqual([...ids].sort());
      expect(ascii(seen)).toEqual(ascii(ids).sort());
      expect(pages).toBe(4);
    });

    it('returns full profile records and no cursor when everything fits', async () => {
      const page = await ctx.store.listProfiles({ limit: 1000 });
      expect(page.items).toHaveLength(ids.length);
      expect(page.items[0]).toEqual(profile('CRMID:a', 1000 + ids.length - 1));
      expect(page.nextCursor).toBeUndefined();
    });

    it('rejects a malformed cursor and a limit outside 1..1000', async () => {
      await expectAppError(ctx.store.listProfiles({ limit: 2, cursor: 'Wzld' }), 'READ_STORE_BAD_CURSOR');
      await expectAppError(ctx.store.listProfiles({ limit: 0 }), 'READ_STORE_BAD_LIMIT');
    });
  });
}
