import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import { loadConfig } from '../../src/config';
import { startApp, type RunningApp } from '../../src/main';
import { GetProfileQuery } from '../../src/profiles';
import { takeItems } from '../bench/gen/workload';

/**
 * The profile routes send the stored document's text spliced with computed values, memberships and the position
 * (GetProfileJsonQuery). Over the bench's workload (records, events, links from three sources, merges), with
 * computed attributes and audiences defined, every answer must be byte for byte JSON.stringify of the body the
 * object path (GetProfileQuery) builds, with the same content type as before.
 */
describe('profile bodies served as stored JSON text', () => {
  let dir: string;
  let running: RunningApp;
  const identities: { namespace: string; id: string }[] = [];

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${running.url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const objectPath = (namespace: string, id: string, mergePolicy?: string) =>
    running.app.get(QueryBus).execute(new GetProfileQuery(namespace, id, mergePolicy));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-profile-json-'));
    running = await startApp(await loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dir }));
    expect((await call('PUT', '/v1/computed-attributes/pages', { function: 'count', eventType: 'pageView' })).status).toBe(200);
    expect((await call('PUT', '/v1/computed-attributes/lastCity', { function: 'last', field: 'page.language' })).status).toBe(200);
    expect((await call('PUT', '/v1/audiences/anyEvent', { name: 'any', condition: { event: { type: 'pageView' } } })).status).toBe(200);
    expect((await call('PUT', '/v1/audiences/gold', { name: 'gold', condition: { attribute: 'tier', op: 'eq', value: 'gold' } })).status).toBe(200);
    const policy = { attributeMerge: { type: 'sourcePrecedence', order: ['crm', 'loyalty', 'web'] }, identityStitching: 'graph' };
    expect((await call('PUT', '/v1/merge-policies/crm-first', policy)).status).toBe(200);
    const items = takeItems(2500, { persons: 120, seed: 17 });
    let last = '';
    for (let i = 0; i < items.length; i += 500) {
      const reply = await call('POST', '/v1/ingest', items.slice(i, i + 500));
      expect(reply.status).toBe(207);
      for (const r of JSON.parse(reply.text).results as { status: number; position?: string }[]) {
        expect(r.status).toBe(202);
        if (r.position && BigInt(r.position) > BigInt(last || '0')) last = r.position;
      }
    }
    const seen = new Set<string>();
    for (const item of items) for (const identity of item.identities) {
      const key = `${identity.namespace}:${identity.id}`;
      if (!seen.has(key)) identities.push({ namespace: identity.namespace, id: identity.id });
      seen.add(key);
    }
    expect((await call('GET', `/v1/profiles/${identities[0].namespace}/${encodeURIComponent(identities[0].id)}?minPosition=${last}`)).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers every identity of the workload with the object path\'s bytes, by path and by query string', async () => {
    let withAudiences = 0;
    let withValues = 0;
    for (const { namespace, id } of identities) {
      const byPath = await call('GET', `/v1/profiles/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}`);
      const byQuery = await call('GET', `/v1/profiles/lookup?${new URLSearchParams({ namespace, id })}`);
      const expected = JSON.stringify(await objectPath(namespace, id));
      expect({ namespace, id, status: byPath.status, type: byPath.type, text: byPath.text }).toEqual({ namespace, id, status: 200, type: 'application/json; charset=utf-8', text: expected });
      expect(byQuery.text).toBe(expected);
      const body = JSON.parse(expected) as { audiences: unknown[]; computed: { pages: number } };
      if (body.audiences.length > 0) withAudiences++;
      if (body.computed.pages > 0) withValues++;
    }
    // The comparison covered the spliced parts, not only empty ones.
    expect(identities.length).toBeGreaterThan(300);
    expect(withAudiences).toBeGreaterThan(0);
    expect(withValues).toBeGreaterThan(0);
  });

  it('answers a computed merge policy and the refusals as before', async () => {
    const { namespace, id } = identities[0];
    const other = await call('GET', `/v1/profiles/${namespace}/${encodeURIComponent(id)}?mergePolicy=crm-first`);
    expect({ status: other.status, type: other.type, text: other.text }).toEqual({ status: 200, type: 'application/json; charset=utf-8', text: JSON.stringify(await objectPath(namespace, id, 'crm-first')) });
    const missing = await call('GET', '/v1/profiles/CRMID/nobody-at-all');
    expect({ status: missing.status, code: JSON.parse(missing.text).error.code }).toEqual({ status: 404, code: 'PROFILE_NOT_FOUND' });
  });
});
