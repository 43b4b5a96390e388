import type { AudienceWrites } from '../../src/read-store';
import { dumpReadModels } from '../../src/cli/rebuild-dump';
import { node, profile, type ReadStoreContext } from './read-store.fixtures';

const TOM = 'CRMID:tom';
const ANN = 'CRMID:ann';
const BOB = 'CRMID:bob';
const cause = (kind: string) => ({ kind });
const enter = (audienceId: string, graphId: string, enteredAt: number) => ({
  audienceId, graphId, enteredAt, doc: { profileId: `p_${graphId}`, cause: cause('item') },
});

/** Audience memberships as intervals: open ones now, those at a log time, members paged by graph, sizes. */
export function describeAudiences(ctx: ReadStoreContext) {
  describe('audience memberships', () => {
    const first: AudienceWrites = { enter: [enter('vip', TOM, 100), enter('vip', ANN, 150), enter('buyers', TOM, 120)] };

    it('stores entries with a batch and serves the open ones by graph and by audience', async () => {
      await ctx.store.commit({ audiences: first }, { projector: 'p', position: '5' });
      const ofTom = await ctx.store.getMemberships([TOM, 'CRMID:nobody']);
      expect(ofTom.map((m) => m.audienceId)).toEqual(['buyers', 'vip']);
      expect(ofTom[1]).toEqual(enter('vip', TOM, 100));
      const page = await ctx.store.listMembers({ audienceId: 'vip', limit: 10 });
      expect(page.items.map((m) => m.graphId)).toEqual([ANN, TOM]);
      expect(page.nextCursor).toBeUndefined();
      expect(await ctx.store.countMembers(['vip', 'buyers', 'none'])).toEqual(new Map([['vip', 2], ['buyers', 1], ['none', 0]]));
    });

    it('an exit closes the interval, merging its doc; the past stays readable as of a log time', async () => {
      await ctx.store.commitAudiences(first);
      await ctx.store.commitAudiences({ exit: [{ audienceId: 'vip', graphId: TOM, exitedAt: 200, doc: { exitCause: cause('windowLapse') } }] });
      await ctx.store.commitAudiences({ enter: [enter('vip', TOM, 300)] });
      expect((await ctx.store.listMembers({ audienceId: 'vip', limit: 10, asOf: 199 })).items.map((m) => m.graphId)).toEqual([ANN, TOM]);
      expect((await ctx.store.listMembers({ audienceId: 'vip', limit: 10, asOf: 250 })).items.map((m) => m.graphId)).toEqual([ANN]);
      expect((await ctx.store.listMembers({ audienceId: 'vip', limit: 10, asOf: 99 })).items).toEqual([]);
      const at250 = await ctx.store.getMembershipsAsOf(TOM, 250);
      expect(at250.map((m) => m.audienceId)).toEqual(['buyers']);
      const closed = (await ctx.store.getMembershipsAsOf(TOM, 150)).find((m) => m.audienceId === 'vip');
      expect(closed).toEqual({ audienceId: 'vip', graphId: TOM, enteredAt: 100, exitedAt: 200, doc: { profileId: `p_${TOM}`, cause: cause('item'), exitCause: cause('windowLapse') } });
      expect((await ctx.store.getMemberships([TOM])).find((m) => m.audienceId === 'vip')!.enteredAt).toBe(300);
      expect(await ctx.store.countMembers(['vip'])).toEqual(new Map([['vip', 2]]));
      const history = await ctx.store.getMembershipIntervals([TOM]);
      expect(history.map((m) => [m.audienceId, m.enteredAt, m.exitedAt])).toEqual([['vip', 100, 200], ['buyers', 120, undefined], ['vip', 300, undefined]]);
    });

    it('re-applying the same writes changes nothing', async () => {
      const exit = { exit: [{ audienceId: 'vip', graphId: ANN, exitedAt: 180, doc: {} }] };
      for (let i = 0; i < 2; i++) {
        await ctx.store.commitAudiences(first);
        await ctx.store.commitAudiences(exit);
      }
      expect((await ctx.store.listMembers({ audienceId: 'vip', limit: 10 })).items.map((m) => m.graphId)).toEqual([TOM]);
      expect((await ctx.store.getMembershipsAsOf(ANN, 170)).map((m) => m.exitedAt)).toEqual([180]);
    });

    it('a profile that exits and re-enters in the millisecond it entered keeps every transition', async () => {
      // Three items logged in one millisecond: gold (enter), silver (exit), gold again (enter).
      await ctx.store.commitAudiences({ enter: [enter('vip', TOM, 100)] });
      await ctx.store.commitAudiences({ exit: [{ audienceId: 'vip', graphId: TOM, exitedAt: 100, doc: { exitCause: cause('item') } }] });
      await ctx.store.commitAudiences({ enter: [enter('vip', TOM, 100)] });
      expect((await ctx.store.getMemberships([TOM])).map((m) => [m.audienceId, m.enteredAt])).toEqual([['vip', 100]]);
      expect(await ctx.store.countMembers(['vip'])).toEqual(new Map([['vip', 1]]));
      expect((await ctx.store.listMembers({ audienceId: 'vip', limit: 10 })).items).toEqual([enter('vip', TOM, 100)]);
      expect((await ctx.store.getMembershipsAsOf(TOM, 100)).map((m) => [m.audienceId, m.exitedAt])).toEqual([['vip', undefined]]);
      // It stays exact afterwards: a later exit closes the open interval, and the same writes again change nothing.
      const later = { exit: [{ audienceId: 'vip', graphId: TOM, exitedAt: 200, doc: { exitCause: cause('windowLapse') } }] };
      for (let i = 0; i < 2; i++) await ctx.store.commitAudiences(later);
      await ctx.store.commitAudiences({ enter: [enter('vip', TOM, 100)] });
      const history = await ctx.store.getMembershipIntervals([TOM]);
      expect(history.map((m) => [m.audienceId, m.enteredAt, m.exitedAt])).toEqual([['vip', 100, 100], ['vip', 100, 200]]);
      expect(await ctx.store.countMembers(['vip'])).toEqual(new Map([['vip', 0]]));
      expect((await ctx.store.listMembers({ audienceId: 'vip', limit: 10, asOf: 150 })).items.map((m) => m.graphId)).toEqual([TOM]);
    });

    it('pages members by graph id with an opaque cursor', async () => {
      await ctx.store.commitAudiences({ enter: [enter('all', TOM, 1), enter('all', ANN, 1), enter('all', BOB, 1)] });
      const one = await ctx.store.listMembers({ audienceId: 'all', limit: 2 });
      expect(one.items.map((m) => m.graphId)).toEqual([ANN, BOB]);
      const two = await ctx.store.listMembers({ audienceId: 'all', limit: 2, cursor: one.nextCursor });
      expect(two.items.map((m) => m.graphId)).toEqual([TOM]);
      expect(two.nextCursor).toBeUndefined();
      await expect(ctx.store.listMembers({ audienceId: 'all', limit: 2, cursor: 'nope' })).rejects.toMatchObject({ code: 'READ_STORE_BAD_CURSOR' });
    });

    it('the rebuild dump shows every interval under the profile that holds its graph id now, in one order', async () => {
      // Ann's graph merged into Tom's: her old intervals stay under her graph id, one of Tom's identities now.
      const nodes = [node(TOM), node(ANN, TOM)];
      await ctx.store.commit({ nodes: { upsert: nodes }, profiles: { upsert: [profile(TOM)] }, audiences: { enter: [enter('vip', ANN, 150), enter('buyers', TOM, 120), enter('vip', TOM, 100)] } }, { projector: 'p', position: '5' });
      await ctx.store.commitAudiences({ exit: [{ audienceId: 'vip', graphId: ANN, exitedAt: 180, doc: { exitCause: cause('merge') } }] });
      const [dumped] = await dumpReadModels(ctx.store);
      expect(dumped!.memberships).toEqual([
        { audienceId: 'vip', graphId: ANN, enteredAt: 150, exitedAt: 180, doc: { ...enter('vip', ANN, 150).doc, exitCause: cause('merge') } },
        { audienceId: 'buyers', graphId: TOM, enteredAt: 120, exitedAt: null, doc: enter('buyers', TOM, 120).doc },
        { audienceId: 'vip', graphId: TOM, enteredAt: 100, exitedAt: null, doc: enter('vip', TOM, 100).doc },
      ]);
    });

    it('keeps backfill records and erases a subject’s memberships', async () => {
      const backfill = { audienceId: 'vip', version: 2, status: 'backfilling' as const, done: 1, total: 3, cursor: TOM };
      await ctx.store.commitAudiences({ ...first, backfills: { upsert: [backfill] } });
      expect(await ctx.store.getAudienceBackfills()).toEqual([backfill]);
      await ctx.store.commitAudiences({ backfills: { delete: ['vip'] } });
      expect(await ctx.store.getAudienceBackfills()).toEqual([]);
      await ctx.store.eraseSubjects({ identityKeys: [TOM], streams: [], rewrittenEvents: [] });
      expect(await ctx.store.getMemberships([TOM])).toEqual([]);
      expect(await ctx.store.getMembershipsAsOf(TOM, 150)).toEqual([]);
      expect(await ctx.store.countMembers(['vip'])).toEqual(new Map([['vip', 1]]));
    });
  });
}
