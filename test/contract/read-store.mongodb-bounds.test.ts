import { randomUUID } from 'node:crypto';
import { BSON, MongoClient } from 'mongodb';
import type { ReadStore, TimelineEvent } from '../../src/read-store';
import { openMongoReadStore } from '../../src/read-store/mongodb';
import { MAX_DOCUMENT_BYTES } from '../../src/read-store/mongodb/mongo-document-bound';
import { startJongodb, type Jongodb } from '../support/jongodb';

/**
 * MongoDB refuses documents over 16 MB. The shapes that grow with the data are many documents, never one growing
 * document: a hub identity's removed links, a profile's events. Measured here at scale, document by document.
 */
let jongodb: Jongodb;
let client: MongoClient;
beforeAll(async () => {
  jongodb = await startJongodb();
  client = await MongoClient.connect(jongodb.uri);
});
afterAll(async () => {
  await client.close();
  await jongodb.stop();
});

async function open(): Promise<{ store: ReadStore; db: string }> {
  const db = `tessera_bounds_${randomUUID().replace(/-/g, '')}`;
  return { store: await openMongoReadStore(jongodb.uri, { dbName: db }), db };
}

async function largestDocument(db: string, collection: string): Promise<number> {
  let largest = 0;
  for await (const doc of client.db(db).collection(`v1_${collection}`).find({})) largest = Math.max(largest, BSON.calculateObjectSize(doc));
  return largest;
}

it('keeps a hub identity with 5,000 removed links in small documents', async () => {
  const { store, db } = await open();
  const hub = 'ECID:shared-kiosk';
  const node = (key: string) => ({ key, namespace: key.split(':')[0], id: key.split(':')[1], firstSeen: 1, lastSeen: 2, graphId: key });
  const others = Array.from({ length: 5000 }, (_, i) => `Email:visitor${i}@x.com`);
  const links = others.map((other, i) => ({
    key: `${hub}|${other}`, a: hub, b: other, firstSeen: i, lastSeen: i, sources: ['kiosk'], createdBy: `item-${i}`,
    status: 'removed' as const, removedAt: i + 1, removedBy: `rule-${i}`, reason: 'LINK_REJECTED',
  }));
  await store.commit({ nodes: { upsert: [node(hub), ...others.map(node)] }, links: { upsert: links } }, { projector: 'p', position: '1' });
  expect(await store.getLinksTouching([hub])).toHaveLength(5000);
  for (const collection of ['nodes', 'links']) expect(await largestDocument(db, collection)).toBeLessThan(2048);
  await store.close();
}, 120_000);

/**
 * 5,000 events: jongodb's writes slow down as a collection grows (20,000 took over four minutes here), so 100,000
 * is out of reach for a test. The sizes do not depend on the count: each event is its own document and the stats
 * document is replaced, never appended to.
 */
const TOTAL = 5_000;
const PER_COMMIT = 1_000;

it('keeps a profile with 5,000 events in small documents, its stats two counters', async () => {
  const { store, db } = await open();
  const primaryKey = 'CRMID:busy';
  const identity = { namespace: 'CRMID', id: 'busy' };
  const event = (n: number): TimelineEvent => ({
    eventId: `ev-${n}`, primaryKey, timestamp: n, type: 'pageView', source: 'web', position: String(n), recordedAt: n,
    doc: { id: `ev-${n}`, type: 'pageView', timestamp: new Date(n).toISOString(), source: 'web', identities: [identity], primaryIdentity: identity, data: { n } },
  });
  for (let start = 1; start <= TOTAL; start += PER_COMMIT) {
    const events = Array.from({ length: PER_COMMIT }, (_, i) => event(start + i));
    await store.commit({ events }, { projector: 'p', position: String(start + PER_COMMIT - 1) });
  }
  const [stats] = await store.getEventStats([primaryKey]);
  expect(stats.count).toBe(TOTAL);
  expect(await largestDocument(db, 'event_stats')).toBeLessThan(512);
  expect(await largestDocument(db, 'events')).toBeLessThan(1024);
  expect(MAX_DOCUMENT_BYTES).toBeLessThanOrEqual(4 * 1024 * 1024);
  await store.close();
}, 300_000);
