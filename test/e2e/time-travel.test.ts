import { startTestApp, type TestApp } from './tessera-app';

/** asOf reads through real HTTP: the state as the service knew it at a moment of log time. */
describe('time travel: asOf on profile, graph and events', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const keys = (identities: { namespace: string; id: string }[]) => identities.map((i) => `${i.namespace}:${i.id}`).sort();

  it('answers before and after a merge with the two different graphs, attribute sets and timelines', async () => {
    const beforeAnything = new Date().toISOString();
    while (Date.now() < Date.parse(beforeAnything) + 2) await new Promise((resolve) => setImmediate(resolve));
    await app.ingest('/v1/records', {
      source: 'crm',
      timestamp: '2026-01-01T00:00:00Z',
      identities: [{ namespace: 'CRMID', id: 'tom' }, { namespace: 'ECID', id: '111' }],
      attributes: { name: 'Tom', tier: 'silver' },
    });
    await app.ingest('/v1/events', {
      id: 'view-1', source: 'web', type: 'pageView', timestamp: '2026-01-02T00:00:00Z',
      identities: [{ namespace: 'Email', id: 'tom@acme.com' }], data: { url: '/a' },
    });
    const separate = await app.ingest('/v1/records', {
      source: 'loyalty',
      timestamp: '2026-02-01T00:00:00Z',
      identities: [{ namespace: 'Email', id: 'tom@acme.com' }],
      attributes: { tier: 'gold', city: 'Oslo' },
    });
    const beforeMerge = await app.momentAfter(separate);
    const merged = await app.ingest('/v1/links', {
      source: 'web', timestamp: '2026-02-02T00:00:00Z',
      identities: [{ namespace: 'ECID', id: '111' }, { namespace: 'Email', id: 'tom@acme.com' }],
    });
    const afterMerge = await app.momentAfter(merged);

    const then = await app.getOk(`/v1/profiles/CRMID/tom?asOf=${beforeMerge}`);
    expect(then.attributes).toEqual({ name: 'Tom', tier: 'silver' });
    expect(keys(then.identities)).toEqual(['CRMID:tom', 'ECID:111']);
    expect(Number(then.position)).toBeLessThanOrEqual(Number(separate));
    const later = await app.getOk(`/v1/profiles/CRMID/tom?asOf=${afterMerge}`);
    expect(later.attributes).toEqual({ name: 'Tom', tier: 'gold', city: 'Oslo' });
    expect(keys(later.identities)).toEqual(['CRMID:tom', 'ECID:111', 'Email:tom@acme.com']);
    expect(later.position).toBe(merged);
    const now = await app.getOk('/v1/profiles/CRMID/tom');
    expect({ ...later, position: null }).toEqual({ ...now, position: null });

    const graphThen = await app.getOk(`/v1/profiles/ECID/111/graph?asOf=${beforeMerge}`);
    expect(keys(graphThen.identities)).toEqual(['CRMID:tom', 'ECID:111']);
    expect(graphThen.links).toHaveLength(1);
    expect(await app.getOk(`/v1/profiles/ECID/111/graph?asOf=${afterMerge}`)).toEqual(await app.getOk('/v1/profiles/ECID/111/graph'));

    expect((await app.getOk(`/v1/profiles/CRMID/tom/events?asOf=${beforeMerge}`)).items).toEqual([]);
    const eventsLater = await app.getOk(`/v1/profiles/CRMID/tom/events?asOf=${afterMerge}`);
    expect(eventsLater).toEqual(await app.getOk('/v1/profiles/CRMID/tom/events'));
    expect(eventsLater.items.map((e: { id: string }) => e.id)).toEqual(['view-1']);

    const none = await app.call('GET', `/v1/profiles/CRMID/tom?asOf=${beforeAnything}`);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('PROFILE_NOT_FOUND');
  });

  it('refuses an asOf that is not an ISO-8601 time with a zone', async () => {
    for (const asOf of ['yesterday', '2026-01-01T00:00:00']) {
      const reply = await app.call('GET', `/v1/profiles/CRMID/tom/graph?asOf=${asOf}`);
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});
