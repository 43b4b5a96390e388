import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangeItem } from '../../projections/change-feed';
import { Projector } from '../../src/projector';
import { profileIdOf } from '../../src/read-models';
import { openReadStore, type ReadStore } from '../../src/read-store';
import { startTestApp, type TestApp } from './tessera-app';

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

  async function feedOf(store: ReadStore): Promise<ChangeItem[]> {
    const items: ChangeItem[] = [];
    for (;;) {
      const page = await store.readChanges({ after: items.at(-1)?.id, limit: 1000 });
      if (page.length === 0) return items;
      items.push(...page);
    }
  }

  async function rebuiltFeed(batchSize: number): Promise<ChangeItem[]> {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-feed-rebuild-'));
    const store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read-models.sqlite') });
    const projector = new Projector(app.store, store, { name: 'rebuild', batchSize, profileIdOf: (g) => profileIdOf(app.config.identityHashKey!, g) });
    projector.start();
    try {
      expect(await projector.whenIdle()).toBe(true);
      return await feedOf(store);
    } finally {
      await projector.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('one event per batch and 500 per batch rebuild exactly the live feed', async () => {
    const live: ChangeItem[] = [];
    for (;;) {
      const page = (await app.getOk(`/v1/changes?limit=1000&from=${live.at(-1)?.id ?? ''}`)).items as ChangeItem[];
      if (page.length === 0) break;
      live.push(...page);
    }
    expect(new Set(live.map((i) => i.type))).toEqual(new Set(['profile.created', 'profile.updated', 'profile.merged', 'profile.split', 'computed.changed']));
    expect(await rebuiltFeed(1)).toEqual(live);
    expect(await rebuiltFeed(500)).toEqual(live);
  });
});
