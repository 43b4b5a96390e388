import type { ReadStore } from '../../src/read-store';
import { node, type ReadStoreContext } from './read-store.fixtures';

const P = 'profiles';
const TTL = 1_000;
const T0 = Date.now();
const A = 'CRMID:a';
const B = 'CRMID:b';
const ask = (holder: string, now: number) => ({ projector: P, holder, ttlMs: TTL, now });
const FENCED = { code: 'READ_MODEL_FENCED', status: 409 };

/**
 * The projector lease (src/read-store/projector-lease.ts) as each store keeps it: one holder at a time, tokens
 * that only go up, and every write of a superseded holder refused inside the store, whatever its clock says.
 */
export function describeLease(ctx: ReadStoreContext) {
  describe('projector lease', () => {
    let other: ReadStore;
    beforeEach(async () => {
      other = await ctx.harness.open();
    });

    /** The lease leaves `holder` without its knowing; the next candidate asks after the expiry. */
    async function takeOver(by: ReadStore, holder: string) {
      await ctx.harness.lapseLease?.();
      return by.acquireLease(ask(holder, T0 + 10 * TTL));
    }

    it('has one holder at a time; once released the next one gets it with a higher token', async () => {
      expect(await ctx.store.readLease(P)).toBeUndefined();
      const first = await ctx.store.acquireLease(ask('one', T0));
      expect(first).toMatchObject({ projector: P, holder: 'one' });
      expect(await other.acquireLease(ask('two', T0 + 1))).toBeUndefined();
      expect(await other.readLease(P)).toMatchObject({ holder: 'one', token: first!.token });
      await ctx.store.releaseLease();
      expect((await other.readLease(P))?.holder).toBeUndefined();
      const second = await other.acquireLease(ask('two', T0 + 2));
      expect(second?.token).toBeGreaterThan(first!.token);
      expect(await ctx.store.readLease(P)).toMatchObject({ holder: 'two', token: second!.token });
    });

    it('lets the holder renew, until another has taken it over', async () => {
      await ctx.store.acquireLease(ask('one', T0));
      expect(await ctx.store.renewLease(T0 + TTL / 2, TTL)).toBe(true);
      expect(await takeOver(other, 'two')).toBeDefined();
      expect(await ctx.store.renewLease(T0 + 10 * TTL + 1, TTL)).toBe(false);
    });

    it('refuses every write of a superseded holder and keeps the new holder’s', async () => {
      await ctx.store.acquireLease(ask('one', T0));
      expect(await ctx.store.getCheckpoint(P)).toBeUndefined();
      await ctx.store.commit({ nodes: { upsert: [node(A)] } }, { projector: P, position: '5' });
      expect(await takeOver(other, 'two')).toBeDefined();
      await other.commit({ nodes: { upsert: [node(B)] } }, { projector: P, position: '6' });

      const stale = { nodes: { upsert: [node('CRMID:stale')], delete: [B] } };
      await expect(ctx.store.commit(stale, { projector: P, position: '7' })).rejects.toMatchObject(FENCED);
      await expect(ctx.store.commitComputed({ values: { upsert: [{ graphId: A, values: { n: 1 } }] } })).rejects.toMatchObject(FENCED);
      await expect(ctx.store.commitAudiences({ enter: [{ audienceId: 'vip', graphId: A, enteredAt: 1, doc: {} }] })).rejects.toMatchObject(FENCED);

      expect(await other.getCheckpoint(P)).toBe('6');
      expect((await other.getNodes([A, B, 'CRMID:stale'])).map((n) => n.key).sort()).toEqual([A, B]);
      expect(await other.getComputedValues([A])).toEqual([]);
      expect(await other.getMemberships([A])).toEqual([]);
      await other.commit({}, { projector: P, position: '8' });
      expect(await other.getCheckpoint(P)).toBe('8');
    });

    it('keeps the lease through the holder’s own commits, and refuses its writes once it released it', async () => {
      const grant = await ctx.store.acquireLease(ask('one', T0));
      await ctx.store.commit({}, { projector: P, position: '5' });
      await ctx.store.commitComputed({ values: { upsert: [{ graphId: A, values: { n: 1 } }] } });
      expect(await other.readLease(P)).toMatchObject({ holder: 'one', token: grant!.token });
      await ctx.store.releaseLease();
      await expect(ctx.store.commit({}, { projector: P, position: '6' })).rejects.toMatchObject(FENCED);
      expect(await other.getCheckpoint(P)).toBe('5');
    });

    it('leaves a store that never asked for the lease writing as before', async () => {
      await other.acquireLease(ask('one', T0));
      await ctx.store.commit({ nodes: { upsert: [node(A)] } }, { projector: 'rebuild', position: '3' });
      await ctx.store.commit({}, { projector: P, position: '4' });
      expect(await ctx.store.getCheckpoint('rebuild')).toBe('3');
      expect(await ctx.store.getCheckpoint(P)).toBe('4');
      expect((await ctx.store.readLease(P))?.holder).toBe('one');
    });
  });
}
