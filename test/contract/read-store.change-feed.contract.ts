import { changeId, erasureId, type ChangeItem } from '../../projections/change-feed';
import { positionKey } from '../../src/read-store/position-key';
import { opaque, profile, type ReadStoreContext } from './read-store.fixtures';
import type { ProfileDoc } from '../../src/read-store';

const at = '2024-05-01T12:00:00.000Z';
const item = (position: string, ordinal: number, rest: Partial<ChangeItem> = {}): ChangeItem => ({
  id: changeId(positionKey(position), ordinal),
  type: 'profile.created',
  at,
  profileId: 'p_a',
  ...rest,
});

/** The change feed: written with the batch it describes, read by cursor and type, purged and noticed at erasure. */
export function describeChangeFeed(ctx: ReadStoreContext) {
  describe('change feed', () => {
    it('stores the items of a batch with it and serves them in id order after an exclusive cursor', async () => {
      const a = item('9', 0);
      const b = item('10', 0, { type: 'profile.updated', changed: ['attributes'] });
      const c = item('10', 1, { type: 'profile.merged', profileId: 'p_b', mergedFrom: ['p_c'] });
      await ctx.store.commit({ changes: [c, a, b] }, { projector: 'profiles', position: '10' });
      expect(await ctx.store.readChanges({ limit: 10 })).toEqual([a, b, c]);
      expect(await ctx.store.readChanges({ after: a.id, limit: 1 })).toEqual([b]);
      expect(await ctx.store.readChanges({ after: c.id, limit: 10 })).toEqual([]);
      expect(await ctx.store.readChanges({ limit: 10, types: ['profile.merged', 'profile.split'] })).toEqual([c]);
      expect(await ctx.store.getChange(b.id)).toEqual(b);
      expect(await ctx.store.getChange(changeId(positionKey('99'), 0))).toBeUndefined();
      expect(await ctx.store.lastChangeId()).toBe(c.id);
      expect(await ctx.store.countChangesAfter(a.id)).toBe(2);
      expect(await ctx.store.countChangesAfter(undefined)).toBe(3);
    });

    it('orders ids like the log: position 10 after position 9 in any adapter, and an empty feed has no last id', async () => {
      expect(await ctx.store.lastChangeId()).toBeUndefined();
      await ctx.store.commit({ changes: [item('10', 0)] }, { projector: 'profiles', position: '10' });
      await ctx.store.commit({ changes: [item('9', 0, { profileId: 'p_z' })] }, { projector: 'other', position: '9' });
      expect((await ctx.store.readChanges({ limit: 10 })).map((i) => i.profileId)).toEqual(['p_z', 'p_a']);
    });

    it('keeps an item once and unchanged when its batch is applied again (a crash before the checkpoint)', async () => {
      await ctx.store.commit({ changes: [item('5', 0)] }, { projector: 'profiles', position: '5' });
      await ctx.store.commit({ changes: [item('5', 0, { profileId: 'p_other' })] }, { projector: 'second', position: '5' });
      expect(await ctx.store.readChanges({ limit: 10 })).toEqual([item('5', 0)]);
    });

    it('at erasure removes the subject’s items, strips them from others’, and notices each of their profiles', async () => {
      const own = item('3', 0, { profileId: 'p_e' });
      const other = item('4', 0, { type: 'profile.merged', profileId: 'p_o', mergedFrom: ['p_e', 'p_x'] });
      const bystander = item('4', 1, { profileId: 'p_x' });
      const subject = { ...profile('CRMID:erased'), doc: opaque<ProfileDoc>({ profileId: 'p_now', attributes: {} }) };
      await ctx.store.commit({ changes: [own, other, bystander], profiles: { upsert: [subject] } }, { projector: 'profiles', position: '7' });
      await ctx.store.eraseSubjects({
        identityKeys: ['CRMID:erased'],
        streams: [],
        rewrittenEvents: [],
        feed: { profileIds: ['p_e', 'p_now', 'p_never'], at: Date.parse(at) },
      });
      const notices = [erasureId(positionKey('7'), 0), erasureId(positionKey('7'), 1)];
      expect(await ctx.store.readChanges({ limit: 10 })).toEqual([
        { ...other, mergedFrom: ['p_x'] },
        bystander,
        { id: notices[0], type: 'profile.erased', at, profileId: 'p_e' },
        { id: notices[1], type: 'profile.erased', at, profileId: 'p_now' },
      ]);
      await ctx.store.eraseSubjects({ identityKeys: ['CRMID:erased'], streams: [], rewrittenEvents: [], feed: { profileIds: ['p_e'], at: 0 } });
      expect(await ctx.store.countChangesAfter(undefined)).toBe(4);
      expect(JSON.stringify(await ctx.store.readChanges({ limit: 10 }))).not.toContain('"p_e"]');
    });
  });
}
