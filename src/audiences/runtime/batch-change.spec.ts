import type { DecodedEvent } from '../../events';
import type { ReadModelBatch } from '../../read-store/read-store.port';
import { changeOfItems, itemsByGraph, movedValues, reshapedProfiles } from './batch-change';

const tom = { namespace: 'CRMID', id: 'tom' };
const cookie = { namespace: 'ECID', id: 'c1' };
let n = 0;
function logged(type: string, data: Record<string, unknown>): DecodedEvent {
  n++;
  return { event: { type, data } as never, eventId: `e${n}`, stream: 's', revision: n, position: String(n), recordedAt: new Date(n * 1000) };
}
const item = { itemId: 'i', source: 's', timestamp: '2024-01-01T00:00:00.000Z' };
const record = (identities: object[], attributes: object) => logged('RecordIngested', { ...item, identities, primary: identities[0], attributes });
const event = (identities: object[], type: string) => logged('ExperienceEventIngested', { ...item, identities, primary: identities[0], type, data: {} });

describe('what a batch of items changed, for audiences', () => {
  it('the leaf paths records wrote, the namespaces items named, the event types', () => {
    const change = changeOfItems([record([tom], { address: { city: 'Basel' }, tier: null }), event([cookie, tom], 'purchase')]);
    expect(change).toEqual({ attributes: new Set(['address.city', 'tier']), identities: new Set(['CRMID', 'ECID']), eventTypes: new Set(['purchase']) });
  });

  it('profiles the batch created, merged or split, from its feed items; none when it carries no feed', () => {
    const writes: ReadModelBatch = {
      changes: [
        { id: '1', at: 'T', type: 'profile.created', profileId: 'p1' },
        { id: '2', at: 'T', type: 'profile.merged', profileId: 'p2', mergedFrom: ['p9'] },
        { id: '3', at: 'T', type: 'profile.split', profileId: 'p3', into: ['p3', 'p4'] },
        { id: '4', at: 'T', type: 'profile.updated', profileId: 'p5' },
      ] as never,
    };
    expect(reshapedProfiles(writes)).toEqual(new Map([['p1', 'item'], ['p2', 'merge'], ['p3', 'split'], ['p4', 'split']]));
    expect(reshapedProfiles({})).toBeUndefined();
  });

  it('per graph, the last item that named it and what its own items changed, found through the nodes the batch wrote', () => {
    const first = event([tom], 'view');
    const second = record([cookie], { a: 1 });
    const third = event([tom], 'purchase');
    const writes: ReadModelBatch = { nodes: { upsert: [{ key: 'CRMID:tom', graphId: 'G1' }, { key: 'ECID:c1', graphId: 'G2' }] as never } };
    const byGraph = itemsByGraph(writes, [first, second, third]);
    expect([...byGraph].map(([g, items]) => [g, items.last?.eventId])).toEqual([['G1', third.eventId], ['G2', second.eventId]]);
    expect(byGraph.get('G1')!.change).toEqual({ attributes: new Set(), identities: new Set(['CRMID']), eventTypes: new Set(['view', 'purchase']) });
    expect(byGraph.get('G2')!.change).toEqual({ attributes: new Set(['a']), identities: new Set(['ECID']), eventTypes: new Set() });
  });

  it('an identity an item could not link: its graph counts the item, and takes no cause of its own from it', () => {
    const rejected = logged('RecordIngested', { ...item, identities: [tom], unlinked: [cookie], primary: tom, attributes: { a: 1 } });
    const writes: ReadModelBatch = { nodes: { upsert: [{ key: 'CRMID:tom', graphId: 'G1' }, { key: 'ECID:c1', graphId: 'G2' }] as never } };
    const byGraph = itemsByGraph(writes, [rejected]);
    expect(byGraph.get('G1')!.last?.eventId).toBe(rejected.eventId);
    expect(byGraph.get('G2')!.last).toBeUndefined();
    expect(byGraph.get('G2')!.change).toEqual({ attributes: new Set(['a']), identities: new Set(['CRMID', 'ECID']), eventTypes: new Set() });
  });

  it('the computed values that moved', () => {
    expect(movedValues({ a: 1, b: [1], c: 2 }, { a: 1, b: [1, 2], d: 0 }).sort()).toEqual(['b', 'c', 'd']);
  });
});
