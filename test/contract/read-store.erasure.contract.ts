import type { ItemIndexEntry, ReadModelBatch, TimelineEventDoc } from '../../src/read-store';
import { event, fragment, link, node, opaque, profile, removed, type ReadStoreContext } from './read-store.fixtures';

const TOM = 'Email:tom@acme.com';
const TOM_CRM = 'CRMID:tom';
const DEVICE = 'IDFA:shared';
const ANN = 'CRMID:ann';

function row(identityKey: string, eventId: string, stream: string): ItemIndexEntry {
  return { identityKey, eventId, position: '5', recordedAt: 100, stream, revision: 0 };
}

/** Tom's graph {TOM_CRM, TOM}; Ann's {ANN, DEVICE}, with a removed link from Tom to the device they shared. */
function twoPeople(): ReadModelBatch {
  const tomEvent = event('e-tom', TOM_CRM, 1000, '3');
  const annEvent = { ...event('e-ann', ANN, 1100, '4'), doc: opaque<TimelineEventDoc>({ identities: [TOM, ANN], data: {} }) };
  return {
    nodes: { upsert: [node(TOM_CRM, TOM_CRM), node(TOM, TOM_CRM), node(ANN, ANN), node(DEVICE, ANN)] },
    links: { upsert: [link(TOM_CRM, TOM), link(ANN, DEVICE), removed(TOM, DEVICE)] },
    fragments: { upsert: [fragment('crm', TOM_CRM, { name: 'Tom' }), fragment('crm', ANN, { name: 'Ann' })] },
    profiles: { upsert: [profile(TOM_CRM), profile(ANN)] },
    events: [tomEvent, annEvent],
    itemIndex: [row(TOM_CRM, 'e-tom', 'subject-tom'), row(DEVICE, 'e-tom', 'subject-tom'), row(ANN, 'e-ann', 'subject-ann')],
  };
}

/** eraseSubjects: an erased subject leaves no row behind, and nobody else loses anything. */
export function describeErasure(ctx: ReadStoreContext) {
  describe('erasure', () => {
    it('removes the subject’s nodes, links, fragments, events, stats, profile and index rows', async () => {
      await ctx.store.commit(twoPeople(), { projector: 'profiles', position: '5' });
      // Read once before: the profile view's connection and its cache must not keep serving the subject after.
      expect((await ctx.store.getProfileView(TOM, false))?.json).toBeDefined();
      await ctx.store.eraseSubjects({ identityKeys: [TOM_CRM, TOM], streams: ['subject-tom'], rewrittenEvents: [] });
      expect(await ctx.store.getNodes([TOM_CRM, TOM])).toEqual([]);
      expect(await ctx.store.getProfileView(TOM, true)).toBeUndefined();
      expect(await ctx.store.getProfileView(TOM_CRM, true)).toBeUndefined();
      expect(await ctx.store.getLinksTouching([TOM_CRM, TOM])).toEqual([]);
      expect(await ctx.store.getFragmentsOfPrimaries([TOM_CRM])).toEqual([]);
      expect(await ctx.store.getEventStats([TOM_CRM])).toEqual([]);
      expect(await ctx.store.getProfile(TOM_CRM)).toBeUndefined();
      const timeline = await ctx.store.queryEvents({ primaryKeys: [TOM_CRM, ANN], order: 'asc', limit: 10 });
      expect(timeline.items.map((e) => e.eventId)).toEqual(['e-ann']);
      // The device's row pointed into Tom's erased stream: it goes too.
      expect(await ctx.store.getItemsOfIdentities([TOM_CRM, DEVICE, ANN])).toEqual([row(ANN, 'e-ann', 'subject-ann')]);
    });

    it('finds the index rows into the erased streams by the identities they named, when told them', async () => {
      await ctx.store.commit(twoPeople(), { projector: 'profiles', position: '5' });
      await ctx.store.eraseSubjects({ identityKeys: [TOM_CRM, TOM], streams: ['subject-tom'], streamIdentityKeys: [TOM_CRM, DEVICE], rewrittenEvents: [] });
      expect(await ctx.store.getItemsOfIdentities([TOM_CRM, DEVICE, ANN])).toEqual([row(ANN, 'e-ann', 'subject-ann')]);
      expect(await ctx.store.getLinksTouching([TOM_CRM, TOM])).toEqual([]);
    });

    it('keeps everyone else, and replaces their events that named the subject', async () => {
      await ctx.store.commit(twoPeople(), { projector: 'profiles', position: '5' });
      const scrubbed = { ...event('e-ann', ANN, 1100, '4'), doc: opaque<TimelineEventDoc>({ identities: [ANN], data: {} }) };
      await ctx.store.eraseSubjects({ identityKeys: [TOM_CRM, TOM], streams: ['subject-tom'], rewrittenEvents: [scrubbed] });
      expect((await ctx.store.getNodes([ANN, DEVICE])).map((n) => n.key).sort()).toEqual([ANN, DEVICE].sort());
      expect((await ctx.store.getLinksTouching([ANN])).map((l) => l.key)).toEqual([link(ANN, DEVICE).key]);
      expect(await ctx.store.getFragmentsOfPrimaries([ANN])).toEqual([fragment('crm', ANN, { name: 'Ann' })]);
      expect((await ctx.store.getProfile(ANN))?.graphId).toBe(ANN);
      const [annEvent] = (await ctx.store.queryEvents({ primaryKeys: [ANN], order: 'asc', limit: 10 })).items;
      expect(annEvent.doc).toEqual({ identities: [ANN], data: {} });
      expect(await ctx.store.getCheckpoint('profiles')).toBe('5');
    });

    it('is idempotent: erasing again, or erasing nobody, changes nothing', async () => {
      await ctx.store.commit(twoPeople(), { projector: 'profiles', position: '5' });
      const erasure = { identityKeys: [TOM_CRM, TOM], streams: ['subject-tom'], rewrittenEvents: [] };
      await ctx.store.eraseSubjects(erasure);
      await ctx.store.eraseSubjects(erasure);
      await ctx.store.eraseSubjects({ identityKeys: [], streams: [], rewrittenEvents: [] });
      expect((await ctx.store.listProfiles({ limit: 10 })).items.map((p) => p.graphId)).toEqual([ANN]);
    });
  });
}
