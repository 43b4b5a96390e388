import type { ReadModelBatch } from '../../src/read-store';
import {
  byKey,
  event,
  fragment,
  link,
  node,
  opaque,
  profile,
  removed,
  type ReadStoreContext,
  type ReadStoreHarness,
} from './read-store.fixtures';
import { describeChangeFeed } from './read-store.change-feed.contract';
import { describeCommitGroups } from './read-store.commit-group.contract';
import { describeAudiences } from './read-store.audiences.contract';
import { describeComputed } from './read-store.computed.contract';
import { describeErasure } from './read-store.erasure.contract';
import { describeItemIndex } from './read-store.item-index.contract';
import { describeLease } from './read-store.lease.contract';
import { describeReadStoreQueries } from './read-store.queries.contract';
import { describeRederive } from './read-store.rederive.contract';

/**
 * The promises of the ReadStore port, held against every adapter: each case gets its own empty database.
 */
export type { ReadStoreHarness };

export function describeReadStoreContract(name: string, createHarness: () => Promise<ReadStoreHarness>): void {
  describe(`ReadStore contract: ${name}`, () => {
    const ctx = {} as ReadStoreContext;
    beforeEach(async () => {
      ctx.harness = await createHarness();
      ctx.store = await ctx.harness.open();
    });
    afterEach(() => ctx.harness.dispose());

    describeCommit(ctx);
    describeCommitGroups(ctx);
    describeGuards(ctx);
    describeDeletes(ctx);
    describeModelVersions(ctx);
    describeReadStoreQueries(ctx);
    describeItemIndex(ctx);
    describeErasure(ctx);
    describeComputed(ctx);
    describeAudiences(ctx);
    describeChangeFeed(ctx);
    describeLease(ctx);
    describeRederive(ctx);
  });
}

const A = 'CRMID:tom';
const B = 'Email:tom@acme.com';
const C = 'ECID:111';
const D = 'ECID:222';

/** A batch touching every read model, as a merge of A, B and C would write it. */
export function fullBatch(): ReadModelBatch {
  return {
    nodes: { upsert: [node(A), node(B, A), node(C, A)] },
    links: { upsert: [link(A, B), link(B, C), removed(C, A)] },
    fragments: { upsert: [fragment('crm', A, { name: 'Tom' }), fragment('web', C, { city: 'Oslo' })] },
    profiles: { upsert: [profile(A, 5000, { name: 'Tom', city: 'Oslo' })] },
    events: [event('e1', A, 100, '3'), event('e2', C, 300, '4'), event('e3', C, 200, '5')],
  };
}

function describeCommit(ctx: ReadStoreContext) {
  describe('commit', () => {
    it('starts empty', async () => {
      expect(await ctx.store.getCheckpoint('graph')).toBeUndefined();
      expect(await ctx.store.getNodes([A])).toEqual([]);
      expect(await ctx.store.getProfile(A)).toBeUndefined();
      expect(await ctx.store.getGraph(A)).toEqual({ nodes: [], links: [] });
      expect(await ctx.store.getEventStats([A])).toEqual([]);
    });

    it('answers empty key lists with nothing, and commits an empty batch as a checkpoint move', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '5' });
      await ctx.store.commit({}, { projector: 'graph', position: '6' });
      expect(await ctx.store.getCheckpoint('graph')).toBe('6');
      expect(await ctx.store.getNodes([])).toEqual([]);
      expect(await ctx.store.getNodesOfGraphs([])).toEqual([]);
      expect(await ctx.store.getLinksTouching([])).toEqual([]);
      expect(await ctx.store.getFragmentsOfPrimaries([])).toEqual([]);
      expect(await ctx.store.getEventStats([])).toEqual([]);
      expect(await ctx.store.queryEvents({ primaryKeys: [], order: 'asc', limit: 10 })).toEqual({ items: [] });
    });

    it('stores every read model of a batch and the checkpoint', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '5' });
      expect(await ctx.store.getCheckpoint('graph')).toBe('5');
      expect(await ctx.store.getCheckpoint('other')).toBeUndefined();
      expect(byKey(await ctx.store.getNodes([A, C, D]))).toEqual(byKey([node(C, A), node(A)]));
      expect(await ctx.store.getNode(B)).toEqual(node(B, A));
      expect(await ctx.store.getNode(D)).toBeUndefined();
      expect(byKey(await ctx.store.getNodesOfGraphs([A, D]))).toEqual(byKey([node(A), node(B, A), node(C, A)]));
      expect(await ctx.store.getProfile(A)).toEqual(profile(A, 5000, { name: 'Tom', city: 'Oslo' }));
      expect(await ctx.store.getProfileJson(A)).toBe(JSON.stringify(profile(A, 5000, { name: 'Tom', city: 'Oslo' }).doc));
      expect(await ctx.store.getProfileJson(D)).toBeUndefined();
      expect(await ctx.store.getFragmentsOfPrimaries([C, B])).toEqual([fragment('web', C, { city: 'Oslo' })]);
    });

    it('answers a profile as JSON text without its graph id, in the order the projector wrote it', async () => {
      const doc = { profileId: 'p_x', graphId: A, identities: [{ namespace: 'CRMID', id: 'tom "t"' }], attributes: { '2': 'b', a: 1 }, eventCount: 3 };
      await ctx.store.commit({ profiles: { upsert: [{ graphId: A, createdAt: 1, updatedAt: 2, doc: opaque(doc) }] } }, { projector: 'graph', position: '5' });
      const { graphId: _graphId, ...rest } = doc;
      expect(await ctx.store.getProfileJson(A)).toBe(JSON.stringify(rest));
    });

    it('answers a profile view: graph, profile text, open memberships and computed values as the single reads do', async () => {
      const audiences = { enter: [{ audienceId: 'vip', graphId: A, enteredAt: 100, doc: { cause: { kind: 'item' } } }, { audienceId: 'buyers', graphId: A, enteredAt: 120, doc: {} }] };
      const computed = { values: { upsert: [{ graphId: A, values: { n: 2 }, dueAt: 3000 }] } };
      await ctx.store.commit({ ...fullBatch(), audiences, computed }, { projector: 'graph', position: '5' });
      await ctx.store.commit({ nodes: { upsert: [node(D)] } }, { projector: 'graph', position: '6' });
      const [json, memberships, values] = [await ctx.store.getProfileJson(A), await ctx.store.getMemberships([A]), await ctx.store.getComputedValues([A])];
      expect(memberships.map((m) => m.audienceId)).toEqual(['buyers', 'vip']);
      expect(await ctx.store.getProfileView(C, true)).toEqual({ graphId: A, json, memberships, computed: values[0] });
      expect(await ctx.store.getProfileView(B, false)).toEqual({ graphId: A, json, memberships });
      // A node whose graph holds no profile (yet), and an unknown identity.
      expect(await ctx.store.getProfileView(D, true)).toEqual({ graphId: D, memberships: [] });
      expect(await ctx.store.getProfileView('ECID:333', true)).toBeUndefined();
    });

    it('loads links touching any given identity, active and removed, each once', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '5' });
      expect(byKey(await ctx.store.getLinksTouching([C]))).toEqual(byKey([link(B, C), removed(C, A)]));
      expect(byKey(await ctx.store.getLinksTouching([A, B, C]))).toHaveLength(3);
      expect(await ctx.store.getLinksTouching([D])).toEqual([]);
    });

    it('serves a graph: its nodes and every link touching them', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '5' });
      const graph = await ctx.store.getGraph(A);
      expect(byKey(graph.nodes)).toEqual(byKey([node(A), node(B, A), node(C, A)]));
      expect(byKey(graph.links)).toEqual(byKey([link(A, B), link(B, C), removed(C, A)]));
    });

    it('keeps event stats: distinct events and the latest event time per primary identity', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '5' });
      await ctx.store.commit({ events: [event('e4', C, 250, '6')] }, { projector: 'graph', position: '6' });
      const stats = await ctx.store.getEventStats([A, C, D]);
      expect(stats.sort((x, y) => x.count - y.count)).toEqual([
        { primaryKey: A, count: 1, lastEventAt: 100, lastPosition: '3' },
        { primaryKey: C, count: 3, lastEventAt: 300, lastPosition: '6' },
      ]);
    });

    it('orders positions as numbers, not as text, in stats and checkpoints', async () => {
      const events = [event('x1', D, 50, '10/10'), event('x2', D, 60, '9/9')];
      await ctx.store.commit({ events }, { projector: 'graph', position: '10/10' });
      await ctx.store.commit({ nodes: { upsert: [node(D)] } }, { projector: 'graph', position: '9/9' });
      expect(await ctx.store.getCheckpoint('graph')).toBe('10/10');
      expect(await ctx.store.getNode(D)).toBeUndefined();
      expect(await ctx.store.getEventStats([D])).toEqual([
        { primaryKey: D, count: 2, lastEventAt: 60, lastPosition: '10/10' },
      ]);
    });

    it('keeps what it committed across a close and reopen', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '12/10' });
      await ctx.store.close();
      const reopened = await ctx.harness.open();
      expect(await reopened.getCheckpoint('graph')).toBe('12/10');
      expect(await reopened.getProfile(A)).toEqual(profile(A, 5000, { name: 'Tom', city: 'Oslo' }));
    });
  });
}

function describeGuards(ctx: ReadStoreContext) {
  describe('position guards', () => {
    it('rejects a batch it cannot store, keeps the checkpoint, and takes the batch once it is fixed', async () => {
      await ctx.store.commit({ nodes: { upsert: [node(D)] } }, { projector: 'graph', position: '4' });
      const broken = fullBatch();
      broken.fragments?.upsert?.push(fragment('pos', A, { total: BigInt(1) }));
      await expect(ctx.store.commit(broken, { projector: 'graph', position: '5' })).rejects.toThrow(TypeError);
      expect(await ctx.store.getCheckpoint('graph')).toBe('4');
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '5' });
      expect(await ctx.store.getCheckpoint('graph')).toBe('5');
      expect(await ctx.store.getNodesOfGraphs([A])).toHaveLength(3);
      expect(await ctx.store.getEventStats([C])).toEqual([
        { primaryKey: C, count: 2, lastEventAt: 300, lastPosition: '5' },
      ]);
    });

    it('ignores a batch at or before the checkpoint, whole', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '10' });
      const stale: ReadModelBatch = {
        nodes: { upsert: [node(A, 'Z:z'), node(D)] },
        profiles: { upsert: [profile(A, 1)], delete: [] },
        events: [event('e1', A, 999, '2'), event('e9', D, 1, '2')],
      };
      await ctx.store.commit(stale, { projector: 'graph', position: '10' });
      await ctx.store.commit(stale, { projector: 'graph', position: '9' });
      expect(await ctx.store.getCheckpoint('graph')).toBe('10');
      expect(await ctx.store.getNodes([A, D])).toEqual([node(A)]);
      expect((await ctx.store.getProfile(A))?.updatedAt).toBe(5000);
      expect(await ctx.store.getEventStats([A, D])).toEqual([
        { primaryKey: A, count: 1, lastEventAt: 100, lastPosition: '3' },
      ]);
    });

    it('completes a half-applied batch when it is applied again, without counting anything twice', async () => {
      const batch = fullBatch();
      // The writes of a crashed commit: part of the batch landed, the checkpoint did not.
      const landed: ReadModelBatch = { nodes: { upsert: [node(A)] }, events: batch.events?.slice(0, 2) };
      await ctx.store.commit(landed, { projector: 'crashed', position: '7' });
      await ctx.store.commit(batch, { projector: 'graph', position: '7' });
      expect(await ctx.store.getNodesOfGraphs([A])).toHaveLength(3);
      const stats = await ctx.store.getEventStats([C]);
      expect(stats).toEqual([{ primaryKey: C, count: 2, lastEventAt: 300, lastPosition: '5' }]);
    });

    it('never lets an older batch overwrite what a newer one wrote, but fills in what is missing', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '20/20' });
      const older: ReadModelBatch = {
        nodes: { upsert: [node(A, 'old'), node(D)] },
        links: { upsert: [link(A, B, { lastSeen: 1 })] },
        fragments: { upsert: [fragment('crm', A, { name: 'Old' })] },
        profiles: { upsert: [profile(A, 1), profile(D)] },
      };
      await ctx.store.commit(older, { projector: 'replay', position: '3/3' });
      expect(await ctx.store.getNode(A)).toEqual(node(A));
      expect(await ctx.store.getNode(D)).toEqual(node(D));
      expect(await ctx.store.getLinksTouching([A])).toContainEqual(link(A, B));
      expect(await ctx.store.getFragmentsOfPrimaries([A])).toEqual([fragment('crm', A, { name: 'Tom' })]);
      expect((await ctx.store.getProfile(A))?.updatedAt).toBe(5000);
      expect(await ctx.store.getProfile(D)).toEqual(profile(D));
    });

    it('lets a newer batch replace documents and move identities between graphs', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '9' });
      const split: ReadModelBatch = {
        nodes: { upsert: [node(C, C, 4000)] },
        links: { upsert: [removed(B, C)] },
        fragments: { upsert: [fragment('web', C, { city: 'Bergen' })] },
        profiles: { upsert: [profile(A, 6000, { name: 'Tom' }), profile(C, 6000, { city: 'Bergen' })] },
      };
      await ctx.store.commit(split, { projector: 'graph', position: '10' });
      expect(await ctx.store.getCheckpoint('graph')).toBe('10');
      expect(byKey(await ctx.store.getNodesOfGraphs([A]))).toEqual(byKey([node(A), node(B, A)]));
      expect(await ctx.store.getNodesOfGraphs([C])).toEqual([node(C, C, 4000)]);
      expect(await ctx.store.getLinksTouching([B])).toContainEqual(removed(B, C));
      expect(await ctx.store.getFragmentsOfPrimaries([C])).toEqual([fragment('web', C, { city: 'Bergen' })]);
      expect(await ctx.store.getProfile(C)).toEqual(profile(C, 6000, { city: 'Bergen' }));
    });
  });
}

function describeDeletes(ctx: ReadStoreContext) {
  describe('deletes', () => {
    it('removes nodes, links, fragments and profiles; a delete wins over an upsert of the same key', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '5' });
      const gone: ReadModelBatch = {
        nodes: { upsert: [node(B, B)], delete: [C, B] },
        links: { delete: [link(B, C).key, removed(C, A).key] },
        fragments: { delete: [{ source: 'web', primaryKey: C }, { source: 'nope', primaryKey: A }] },
        profiles: { upsert: [profile(A, 7000)], delete: [A] },
      };
      await ctx.store.commit(gone, { projector: 'graph', position: '6' });
      expect(await ctx.store.getNodes([A, B, C])).toEqual([node(A)]);
      expect(await ctx.store.getLinksTouching([A, B, C])).toEqual([link(A, B)]);
      expect(await ctx.store.getFragmentsOfPrimaries([A, C])).toEqual([fragment('crm', A, { name: 'Tom' })]);
      expect(await ctx.store.getProfile(A)).toBeUndefined();
      expect((await ctx.store.listProfiles({ limit: 10 })).items).toEqual([]);
    });

    it('does not let an older batch delete what a newer one wrote', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '8' });
      const olderDeletes: ReadModelBatch = {
        nodes: { delete: [A] },
        links: { delete: [link(A, B).key] },
        fragments: { delete: [{ source: 'crm', primaryKey: A }] },
        profiles: { delete: [A] },
      };
      await ctx.store.commit(olderDeletes, { projector: 'replay', position: '2' });
      expect(await ctx.store.getNode(A)).toEqual(node(A));
      expect(await ctx.store.getLinksTouching([A])).toContainEqual(link(A, B));
      expect(await ctx.store.getFragmentsOfPrimaries([A])).toHaveLength(1);
      expect(await ctx.store.getProfile(A)).toBeDefined();
    });
  });
}

function describeModelVersions(ctx: ReadStoreContext) {
  describe('model versions', () => {
    it('keeps each version apart, so a rebuild writes beside the live models', async () => {
      await ctx.store.commit(fullBatch(), { projector: 'graph', position: '5' });
      const rebuild = await ctx.harness.open({ modelVersion: 'v2' });
      expect(await rebuild.getCheckpoint('graph')).toBeUndefined();
      expect(await rebuild.getProfile(A)).toBeUndefined();
      await rebuild.commit({ profiles: { upsert: [profile(D)] } }, { projector: 'graph', position: '1' });
      expect(await ctx.store.getProfile(D)).toBeUndefined();
      expect(await ctx.store.getCheckpoint('graph')).toBe('5');
      expect((await rebuild.listProfiles({ limit: 5 })).items).toEqual([profile(D)]);
    });

    it('refuses a model version that could not name a table or collection', async () => {
      await expect(ctx.harness.open({ modelVersion: 'v1; DROP' })).rejects.toThrow(/model version/);
    });
  });
}
