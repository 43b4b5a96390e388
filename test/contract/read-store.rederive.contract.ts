import { timedId } from '../../projections/change-feed';
import type { RederiveJob } from '../../src/read-store';
import { node, profile, type ReadStoreContext } from './read-store.fixtures';

const job = (chunks: number, after?: string): RederiveJob => ({ rule: '5', ruleStream: 'tessera-settings', ruleRevision: 0, chunks, identities: chunks, ...(after ? { after } : {}) });
const checkpoint = (step?: number) => ({ projector: 'profiles', position: '5', ...(step === undefined ? {} : { step }) });

/** A streamed re-derivation's chunks: committed between batches, with their progress, never twice, never over a newer batch. */
export function describeRederive(ctx: ReadStoreContext) {
  describe('streamed re-derivation', () => {
    it('lists node keys in key order after a cursor', async () => {
      await ctx.store.commit({ nodes: { upsert: ['ECID:2', 'CRMID:b', 'CRMID:a', 'Email:x'].map((k) => node(k)) } }, checkpoint());
      expect(await ctx.store.listNodeKeys(undefined, 10)).toEqual(['CRMID:a', 'CRMID:b', 'ECID:2', 'Email:x']);
      expect(await ctx.store.listNodeKeys('CRMID:b', 2)).toEqual(['ECID:2', 'Email:x']);
    });

    it('applies a chunk over the batch at the same position, keeps the checkpoint, stores the job, and skips a chunk it already has', async () => {
      await ctx.store.commit({ nodes: { upsert: [node('CRMID:a', 'CRMID:a', 1)] }, rederiveJob: job(1) }, checkpoint());
      await ctx.store.commit({ nodes: { upsert: [node('CRMID:a', 'CRMID:a', 2)] }, rederiveJob: job(2, 'CRMID:a') }, checkpoint(2));
      expect((await ctx.store.getNodes(['CRMID:a']))[0].lastSeen).toBe(2);
      expect(await ctx.store.getCheckpoint('profiles')).toBe('5');
      expect(await ctx.store.getRederiveJob('profiles')).toEqual(job(2, 'CRMID:a'));
      // The same chunk again (a retry after an unanswered commit): nothing changes.
      await ctx.store.commit({ nodes: { upsert: [node('CRMID:a', 'CRMID:a', 9)] }, rederiveJob: job(2, 'CRMID:z') }, checkpoint(2));
      expect((await ctx.store.getNodes(['CRMID:a']))[0].lastSeen).toBe(2);
      expect(await ctx.store.getRederiveJob('profiles')).toEqual(job(2, 'CRMID:a'));
      // The next batch replaces what the chunk wrote; the last chunk ends the job.
      await ctx.store.commit({ nodes: { upsert: [node('CRMID:a', 'CRMID:a', 3)] } }, { projector: 'profiles', position: '6' });
      expect((await ctx.store.getNodes(['CRMID:a']))[0].lastSeen).toBe(3);
      await ctx.store.commit({ profiles: { upsert: [profile('CRMID:a')] }, rederiveJob: null }, { ...checkpoint(3), position: '6' });
      expect(await ctx.store.getRederiveJob('profiles')).toBeUndefined();
      expect(await ctx.store.getProfile('CRMID:a')).toBeDefined();
    });

    it('refuses a chunk when no job is stored (it finished, or never began)', async () => {
      await ctx.store.commit({ nodes: { upsert: [node('CRMID:a')] } }, checkpoint(1));
      expect(await ctx.store.getNodes(['CRMID:a'])).toEqual([]);
    });

    it('numbers a chunk’s feed items after the checkpoint', async () => {
      await ctx.store.commit({ rederiveJob: job(1) }, checkpoint());
      const drafts = [{ type: 'profile.updated' as const, profileId: 'p1', at: 1000 }];
      await ctx.store.commit({ changesAfterCheckpoint: drafts, rederiveJob: job(2, 'CRMID:a') }, checkpoint(2));
      const items = await ctx.store.readChanges({ limit: 10 });
      expect(items.map((i) => i.id)).toEqual([expect.stringMatching(new RegExp(`${timedId('', 1000, 0)}$`))]);
    });

    it('moves a cursor that names an erased identity back to the node before it', async () => {
      await ctx.store.commit({ nodes: { upsert: [node('CRMID:a'), node('Email:gone@x.com')] }, rederiveJob: job(1, 'Email:gone@x.com') }, checkpoint());
      await ctx.store.eraseSubjects({ identityKeys: ['Email:gone@x.com'], streams: [], rewrittenEvents: [] });
      expect(await ctx.store.getRederiveJob('profiles')).toEqual(job(1, 'CRMID:a'));
      await ctx.store.commit({ rederiveJob: job(2, 'CRMID:a') }, checkpoint(2));
      await ctx.store.eraseSubjects({ identityKeys: ['CRMID:a'], streams: [], rewrittenEvents: [] });
      expect(await ctx.store.getRederiveJob('profiles')).toEqual(job(2));
    });
  });
}
