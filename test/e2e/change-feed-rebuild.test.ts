import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangeItem } from '../../projections/change-feed';
import { Projector } from '../../src/projector';
import { profileIdOf } from '../../src/read-models';
import { openReadStore, type ReadStore } from '../../src/read-store';
import { startTestApp, until, type TestApp } from './tessera-app';
import { storedFeed } from '../support/read-model-dump';


async function liveFeed(app: TestApp): Promise<ChangeItem[]> {
  const live: ChangeItem[] = [];
  for (;;) {
    const page = (await app.getOk(`/v1/changes?limit=1000&from=${live.at(-1)?.id ?? ''}`)).items as ChangeItem[];
    if (page.length === 0) return live;
    live.push(...page);
  }
}

/** The feed a fresh projector writes from the app's log into fresh read models, `batchSize` events per batch. */
async function rebuiltFeed(app: TestApp, batchSize: number): Promise<ChangeItem[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-feed-rebuild-'));
  const store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read-models.sqlite') });
  const projector = new Projector(app.store, store, { name: 'rebuild', batchSize, profileIdOf: (g) => profileIdOf(app.config.identityHashKey!, g) });
  projector.start();
  try {
    expect(await projector.whenIdle()).toBe(true);
    expect(await until(async () => projector.computedSettled, (settled) => settled, 10_000)).toBe(true);
    return await storedFeed(store);
  } finally {
    await projector.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Written after a checkpoint by time-driven work (a lapse, a backfill step): `<position>-e<moment><ordinal>`. */
const AFTER_CHECKPOINT = /-e\d{21}$/;

/**
 * DESIGN.md "Deterministic": a rebuild yields the same feed, ids and times included, whatever the batch boundaries.
 * A mixed log (records, events counted by computed attributes, links, a unique-namespace conflict, an operator
 * unmerge) is folded again by fresh
 * projectors into fresh read models, one event per batch and 500 per batch, and both feeds equal the live one.
 */
describe('change feed: stable across a rebuild', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    const id = (namespace: string, value: string) => ({ namespace, id: value });
    // Defined before any profile exists: no backfill, so every computed.changed is an item of a log entry.
    await app.call('PUT', '/v1/computed-attributes/views', { body: { function: 'count', eventType: 'view' } });
    await app.call('PUT', '/v1/computed-attributes/pages', { body: { function: 'distinctCount', field: 'page' } });
    let last = '';
    for (let n = 0; n < 12; n++) {
      const person = id('CRMID', `rb-${n % 4}`);
      const email = id('Email', `rb-${n % 5}@x.io`);
      const cookie = id('ECID', `rb-c${n % 4}`);
      last = await app.ingest('/v1/records', { id: `rb-r${n}`, source: n % 2 ? 'crm' : 'web', identities: [person, email], attributes: { n, tier: `t${n % 3}` } });
      last = await app.ingest('/v1/events', { id: `rb-e${n}`, source: 'web', type: 'view', timestamp: '2024-05-01T12:00:00Z', identities: [cookie, ...(n % 3 ? [email] : [])], data: { page: `/p${n % 3}` } });
    }
    const rejection = await app.post('/v1/identity/link-rejections', { from: id('ECID', 'rb-c1'), to: id('Email', 'rb-1@x.io'), reason: 'shared device' });
    expect(rejection.status).toBe(201);
    last = await app.ingest('/v1/records', { id: 'rb-final', source: 'crm', identities: [id('CRMID', 'rb-0')], attributes: { tier: 'final' } });
    await app.momentAfter(last);
  }, 60_000);
  afterAll(() => app.close());

  it('one event per batch and 500 per batch rebuild exactly the live feed', async () => {
    const live = await liveFeed(app);
    expect(new Set(live.map((i) => i.type))).toEqual(new Set(['profile.created', 'profile.updated', 'profile.merged', 'profile.split', 'computed.changed']));
    expect(await rebuiltFeed(app, 1)).toEqual(live);
    expect(await rebuiltFeed(app, 500)).toEqual(live);
  });
});

/**
 * What a rebuild reproduces once time-driven work and an erasure are in the log (README "Change feed and
 * webhooks"): every item a log entry caused, and the erasure notices (written at the SubjectErased event), are the
 * same; the items a backfill wrote after a checkpoint depend on how far the projector had got when each page ran,
 * so they are the run's own.
 */
describe('change feed: a rebuild after a backfill and an erasure', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    const crm = (id: string) => ({ namespace: 'CRMID', id });
    const purchase = (id: string, who: string, total: number) => ({ id, source: 'shop', type: 'purchase', timestamp: '2024-05-01T12:00:00Z', identities: [crm(who)], data: { total } });
    for (const who of ['ab-1', 'ab-2', 'ab-3']) await app.ingest('/v1/records', { id: `r-${who}`, source: 'crm', identities: [crm(who)], attributes: { who } });
    await app.ingest('/v1/events', purchase('ab-p1', 'ab-1', 5));
    await app.ingest('/v1/events', purchase('ab-p2', 'ab-2', 7));
    // Saved when profiles exist: its backfill writes computed.changed items after the checkpoint.
    await app.call('PUT', '/v1/computed-attributes/spend', { body: { function: 'sum', field: 'total', eventType: 'purchase' } });
    await until(async () => (await app.getOk('/v1/computed-attributes/spend')).status, (status) => status === 'ready', 10_000);
    await app.ingest('/v1/events', purchase('ab-p3', 'ab-1', 1));
    const erase = await app.post('/v1/privacy/requests', { type: 'erase', identity: crm('ab-3'), scope: 'graph' });
    await until(async () => (await app.getOk(`/v1/privacy/requests/${erase.body.requestId}`)).status, (status) => status === 'completed', 15_000);
    await app.momentAfter(await app.ingest('/v1/events', purchase('ab-p4', 'ab-2', 2)));
  }, 60_000);
  afterAll(() => app.close());

  it('log-caused items and erasure notices equal the live feed; backfill items are the run’s own', async () => {
    const live = await liveFeed(app);
    expect(live.filter((i) => i.type === 'profile.erased')).toHaveLength(1);
    const backfilled = live.filter((i) => AFTER_CHECKPOINT.test(i.id));
    expect(backfilled.map(({ type, name, value }) => ({ type, name, value }))).toEqual([
      { type: 'computed.changed', name: 'spend', value: 5 },
      { type: 'computed.changed', name: 'spend', value: 7 },
    ]);
    for (const batchSize of [1, 500]) {
      const rebuilt = await rebuiltFeed(app, batchSize);
      expect(rebuilt.filter((i) => !AFTER_CHECKPOINT.test(i.id))).toEqual(live.filter((i) => !AFTER_CHECKPOINT.test(i.id)));
      // The rebuild's backfill runs once the projector has raced past later purchases, which already reported the
      // profiles' values: its pages find nothing left to change (live, it ran before them).
      expect(rebuilt.filter((i) => AFTER_CHECKPOINT.test(i.id)).every((i) => i.type === 'computed.changed' && i.name === 'spend')).toBe(true);
    }
  });
});
