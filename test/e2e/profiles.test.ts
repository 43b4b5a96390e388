import { startTestApp, type TestApp } from './tessera-app';

/** Profiles, timelines, graphs and merge policies through real HTTP, read-your-writes via minPosition. */
describe('profile queries', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('merges two sources that disagree: timestampOrdered, sourcePrecedence, and no stitching', async () => {
    await app.ingest('/v1/records', {
      source: 'crm',
      timestamp: '2026-01-01T00:00:00Z',
      identities: [{ namespace: 'CRMID', id: 'c-1' }, { namespace: 'Email', id: ' Ada@Example.com ' }],
      attributes: { name: 'Ada', tier: 'gold', address: { city: 'Ghent', zip: '9000' } },
    });
    const last = await app.ingest('/v1/records', {
      source: 'loyalty',
      timestamp: '2026-02-01T00:00:00Z',
      identities: [{ namespace: 'Email', id: 'ada@example.com' }],
      attributes: { tier: 'platinum', address: { city: 'Antwerp' } },
    });
    const merged = await app.getOk(`/v1/profiles/Email/${encodeURIComponent('ADA@example.com')}?minPosition=${last}`);
    expect(merged.attributes).toEqual({ name: 'Ada', tier: 'platinum', address: { city: 'Antwerp', zip: '9000' } });
    expect(merged.provenance['address.city']).toMatchObject({ source: 'loyalty', timestamp: '2026-02-01T00:00:00.000Z' });
    expect(merged.provenance['address.zip'].source).toBe('crm');
    expect(merged.primaryIdentity).toEqual({ namespace: 'CRMID', id: 'c-1' });
    expect(merged.profileId).toMatch(/^p_/);
    expect(merged).not.toHaveProperty('graphId');
    expect(Number(merged.position)).toBeGreaterThanOrEqual(Number(last));

    expect((await app.call('PUT', '/v1/merge-policies/crm-first', { body: { attributeMerge: { type: 'sourcePrecedence', order: ['crm', 'loyalty'] }, identityStitching: 'graph' } })).status).toBe(200);
    const crmFirst = await app.getOk('/v1/profiles/CRMID/c-1?mergePolicy=crm-first');
    expect(crmFirst.attributes).toEqual({ name: 'Ada', tier: 'gold', address: { city: 'Ghent', zip: '9000' } });

    expect((await app.call('PUT', '/v1/merge-policies/own', { body: { attributeMerge: { type: 'timestampOrdered' }, identityStitching: 'none' } })).status).toBe(200);
    const own = await app.getOk('/v1/profiles/Email/ada%40example.com?mergePolicy=own');
    expect(own.attributes).toEqual({ tier: 'platinum', address: { city: 'Antwerp' } });
    const none = await app.call('GET', '/v1/profiles/Email/nobody%40example.com?mergePolicy=own');
    expect(none.status).toBe(404);
    expect((await app.call('GET', '/v1/profiles/CRMID/c-1?mergePolicy=missing')).body.error.code).toBe('MERGE_POLICY_NOT_FOUND');
    const policies = await app.getOk('/v1/merge-policies');
    expect(policies.items.filter((p: { default: boolean }) => p.default).map((p: { id: string }) => p.id)).toEqual(['default']);
  });

  it('serves ids holding slashes, plus signs, spaces and unicode', async () => {
    const id = 'a/b+c d-é';
    const position = await app.ingest('/v1/records', { source: 'crm', identities: [{ namespace: 'CRMID', id }], attributes: { x: 1 } });
    const profile = await app.getOk(`/v1/profiles/CRMID/${encodeURIComponent(id)}?minPosition=${position}`);
    expect(profile.identities).toEqual([{ namespace: 'CRMID', id, type: 'person' }]);
  });

  it('anonymous events follow the cookie to its current owner, newest first, paged with a cursor', async () => {
    for (let i = 0; i < 5; i++) {
      await app.ingest('/v1/events', {
        id: `ev-${i}`,
        source: 'web',
        type: i % 2 === 0 ? 'pageView' : 'click',
        timestamp: `2026-03-0${i + 1}T10:00:00+02:00`,
        identities: [{ namespace: 'ECID', id: 'cookie-9' }],
        data: { page: `/p/${i}` },
      });
    }
    const linked = await app.ingest('/v1/links', { source: 'login', identities: [{ namespace: 'CRMID', id: 'c-9' }, { namespace: 'ECID', id: 'cookie-9' }] });
    const first = await app.getOk(`/v1/profiles/CRMID/c-9/events?limit=2&minPosition=${linked}`);
    expect(first.items.map((e: { id: string }) => e.id)).toEqual(['ev-4', 'ev-3']);
    expect(first.items[0]).toMatchObject({ type: 'pageView', timestamp: '2026-03-05T08:00:00.000Z', source: 'web', data: { page: '/p/4' } });
    const second = await app.getOk(`/v1/profiles/CRMID/c-9/events?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`);
    expect(second.items.map((e: { id: string }) => e.id)).toEqual(['ev-2', 'ev-1']);
    const clicks = await app.getOk('/v1/profiles/CRMID/c-9/events?type=click&order=asc');
    expect(clicks.items.map((e: { id: string }) => e.id)).toEqual(['ev-1', 'ev-3']);
    expect(clicks.nextCursor).toBeNull();
    const profile = await app.getOk('/v1/profiles/ECID/cookie-9');
    expect(profile).toMatchObject({ eventCount: 5, lastEventAt: '2026-03-05T08:00:00.000Z' });
  });

  it('a graph shows link provenance and the link a unique-namespace conflict removed', async () => {
    await app.ingest('/v1/links', { source: 'web', timestamp: '2026-04-01T00:00:00Z', identities: [{ namespace: 'CRMID', id: 'jane' }, { namespace: 'ECID', id: 'shared' }] });
    const last = await app.ingest('/v1/links', { source: 'app', timestamp: '2026-04-02T00:00:00Z', identities: [{ namespace: 'CRMID', id: 'john' }, { namespace: 'ECID', id: 'shared' }] });
    const graph = await app.getOk(`/v1/profiles/ECID/shared/graph?minPosition=${last}`);
    expect(graph.identities.map((i: { id: string }) => i.id).sort()).toEqual(['john', 'shared']);
    expect(graph.links).toEqual([
      expect.objectContaining({ from: { namespace: 'CRMID', id: 'john' }, to: { namespace: 'ECID', id: 'shared' }, sources: ['app'], firstSeen: '2026-04-02T00:00:00.000Z' }),
    ]);
    expect(graph.removedLinks).toEqual([
      expect.objectContaining({ from: { namespace: 'CRMID', id: 'jane' }, to: { namespace: 'ECID', id: 'shared' }, reason: 'UNIQUE_NAMESPACE_CONFLICT', removedAt: '2026-04-02T00:00:00.000Z' }),
    ]);
  });

  it('answers 404 for the unknown, 400 for a bad position, 503 when minPosition is never reached', async () => {
    expect((await app.call('GET', '/v1/profiles/CRMID/nobody')).body.error.code).toBe('PROFILE_NOT_FOUND');
    expect((await app.call('GET', '/v1/profiles/CRMID/nobody/graph')).status).toBe(404);
    expect((await app.call('GET', '/v1/profiles/CRMID/c-1?minPosition=abc')).body.error.code).toBe('POSITION_INVALID');
    expect((await app.call('GET', '/v1/profiles/CRMID/c-1/events?limit=0')).status).toBe(400);
    const far = await app.call('GET', '/v1/profiles/CRMID/c-1?minPosition=999999999');
    expect(far.status).toBe(503);
    expect(far.body.error.code).toBe('READ_MODEL_STALE');
  });

  it('browses profiles page by page', async () => {
    const first = await app.getOk('/v1/profiles?limit=2');
    expect(first.items).toHaveLength(2);
    const second = await app.getOk(`/v1/profiles?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`);
    expect(second.items[0].profileId).not.toBe(first.items[0].profileId);
  });
});
