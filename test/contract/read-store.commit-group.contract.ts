import { changeId } from '../../projections/change-feed';
import { positionKey } from '../../src/read-store/position-key';
import { node, type ReadStoreContext } from './read-store.fixtures';

const created = (position: string) => ({ id: changeId(positionKey(position), 0), type: 'profile.created' as const, at: '2024-05-01T12:00:00.000Z', profileId: `p_${position}` });

/**
 * groupCommits: the projector's parts of one segment, committed together where the store can (SQLite), each still
 * at its own position and all-or-nothing on its own; nothing the group wrote is lost to an error after it.
 */
export function describeCommitGroups(ctx: ReadStoreContext) {
  describe('commit groups', () => {
    it('applies each commit of a group at its own position, and answers what the work returned', async () => {
      const answer = await ctx.store.groupCommits(async () => {
        await ctx.store.commit({ nodes: { upsert: [node('CRMID:a')] }, changes: [created('7')] }, { projector: 'profiles', position: '7' });
        await ctx.store.commit({ nodes: { upsert: [node('CRMID:b')] }, changes: [created('8')] }, { projector: 'profiles', position: '8' });
        // A part's reads see the parts before it (the next part's scope is loaded from them).
        expect((await ctx.store.getNodes(['CRMID:a', 'CRMID:b'])).map((n) => n.key).sort()).toEqual(['CRMID:a', 'CRMID:b']);
        // The second commit's own position guards it: a replay of the first one inside the group is ignored.
        await ctx.store.commit({ nodes: { upsert: [node('CRMID:a', 'CRMID:zzz')] } }, { projector: 'profiles', position: '7' });
        return 42;
      });
      expect(answer).toBe(42);
      expect(await ctx.store.getCheckpoint('profiles')).toBe('8');
      expect((await ctx.store.getNodes(['CRMID:a']))[0]?.graphId).toBe('CRMID:a');
      expect((await ctx.store.readChanges({ limit: 10 })).map((c) => c.profileId)).toEqual(['p_7', 'p_8']);
    });

    it('keeps the commits completed before the work fails, and passes the failure on', async () => {
      const failure = new Error('the projection failed after its first part');
      await expect(
        ctx.store.groupCommits(async () => {
          await ctx.store.commit({ nodes: { upsert: [node('CRMID:a')] }, changes: [created('7')] }, { projector: 'profiles', position: '7' });
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await ctx.store.getCheckpoint('profiles')).toBe('7');
      expect(await ctx.store.getNodes(['CRMID:a'])).toHaveLength(1);
      expect(await ctx.store.lastChangeId()).toBe(created('7').id);
      // And the store takes the next group as usual.
      await ctx.store.groupCommits(() => ctx.store.commit({}, { projector: 'profiles', position: '9' }));
      expect(await ctx.store.getCheckpoint('profiles')).toBe('9');
    });

    it('commits outside the checkpoint (lapses, backfill steps) go with the group too', async () => {
      await ctx.store.groupCommits(async () => {
        await ctx.store.commitComputed({ backfills: { upsert: [{ name: 'spend', version: 1, status: 'backfilling', done: 0, total: 3 }] } });
        await ctx.store.commit({}, { projector: 'profiles', position: '4' });
      });
      expect((await ctx.store.getComputedBackfills()).map((b) => b.name)).toEqual(['spend']);
      expect(await ctx.store.getCheckpoint('profiles')).toBe('4');
    });
  });
}
