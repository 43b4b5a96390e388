import { deriveEventId, encode, type DomainEvent } from '../../events';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port';
import type { ItemIndexEntry, ItemIndexQuery, ReadStore } from '../../read-store/read-store.port';
import { MAX_SUBJECT_ITEMS, loadSubjectItems } from './subject-closure';

/** A log and its identity→items index in memory: one stream per item's first identity, log time = position. */
function world(items: string[][]) {
  const recorded: RecordedEvent[] = [];
  const index: ItemIndexEntry[] = [];
  const revisions = new Map<string, number>();
  items.forEach((keys, n) => {
    const identities = keys.map((k) => ({ namespace: k.split(':')[0], id: k.split(':')[1] }));
    const event: DomainEvent = { type: 'LinkObserved', data: { itemId: `i${n}`, source: 's', timestamp: new Date(n).toISOString(), identities } };
    const stream = `s-${keys[0]}`;
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    const appended = encode(event, deriveEventId('LinkObserved', 's', `i${n}`));
    const position = String(n + 1);
    recorded.push({ ...appended, stream, revision, position, recordedAt: new Date(n + 1), metadata: appended.metadata ?? {} });
    for (const identityKey of new Set(keys)) index.push({ identityKey, eventId: appended.eventId, position, recordedAt: n + 1, stream, revision });
  });
  const store = {
    getItemsOfIdentities: async (keys: string[], q: ItemIndexQuery = {}) =>
      index.filter((r) => keys.includes(r.identityKey) && r.recordedAt < (q.recordedBefore ?? Infinity)).slice(0, q.limit),
  } as unknown as ReadStore;
  const log = {
    readStream: async (stream: string, o: { fromRevision: number; limit: number }) =>
      recorded.filter((r) => r.stream === stream && r.revision >= o.fromRevision && r.revision < o.fromRevision + o.limit),
  } as unknown as EventStore;
  return { store, log };
}

const itemIds = (events: { event: DomainEvent }[]) => events.map((e) => (e.event.data as { itemId: string }).itemId);

describe('loadSubjectItems: the co-occurrence closure of a subject', () => {
  const { store, log } = world([
    ['CRMID:a', 'ECID:1'],
    ['ECID:9', 'Email:z'],
    ['ECID:1', 'Email:e'],
    ['Email:e', 'Phone:p'],
    ['Phone:q'],
  ]);

  it('follows shared identities hop by hop, in log order, and leaves unrelated items out', async () => {
    expect(itemIds(await loadSubjectItems(store, log, 'CRMID:a'))).toEqual(['i0', 'i2', 'i3']);
    expect(itemIds(await loadSubjectItems(store, log, 'Phone:p'))).toEqual(['i0', 'i2', 'i3']);
    expect(itemIds(await loadSubjectItems(store, log, 'Email:z'))).toEqual(['i1']);
  });

  it('holds only what was logged before the moment', async () => {
    expect(itemIds(await loadSubjectItems(store, log, 'CRMID:a', 4))).toEqual(['i0', 'i2']);
    expect(await loadSubjectItems(store, log, 'Phone:p', 4)).toEqual([]);
  });

  it('refuses a closure past its bound with AS_OF_TOO_LARGE', async () => {
    const hot = world(Array.from({ length: MAX_SUBJECT_ITEMS + 1 }, (_, n) => ['Phone:hot', `ECID:${n}`]));
    await expect(loadSubjectItems(hot.store, hot.log, 'Phone:hot')).rejects.toMatchObject({ code: 'AS_OF_TOO_LARGE', status: 422 });
  });
});
