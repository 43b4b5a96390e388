import { startTestApp, type TestApp } from './tessera-app';

/** Explanations through real HTTP: what shaped a profile (history), and why two identities are one (explain). */
describe('explanations: history and graph/explain', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const ref = (key: string) => ({ namespace: key.slice(0, key.indexOf(':')), id: key.slice(key.indexOf(':') + 1) });
  const tom = ref('CRMID:tom');
  const cookie = ref('ECID:111');
  const email = ref('Email:tom@acme.com');

  /** Tom: a record, a merge with an e-mail's profile, a split forced by a second CRMID, an operator's rejection. */
  async function tomsStory() {
    await app.ingest('/v1/records', { source: 'crm', timestamp: '2026-01-01T00:00:00Z', identities: [tom, cookie], attributes: { name: 'Tom' } });
    await app.ingest('/v1/records', { source: 'loyalty', timestamp: '2026-02-01T00:00:00Z', identities: [email], attributes: { tier: 'gold' } });
    await app.ingest('/v1/links', { source: 'web', timestamp: '2026-02-02T00:00:00Z', identities: [cookie, email] });
    const merged = await app.ingest('/v1/links', { source: 'web', timestamp: '2026-02-03T00:00:00Z', identities: [email, cookie] });
    const whileMerged = await app.momentAfter(merged);
    await app.ingest('/v1/links', { source: 'kiosk', timestamp: '2026-03-01T00:00:00Z', identities: [ref('CRMID:ann'), email] });
    const rejection = await app.post('/v1/identity/link-rejections', { from: tom, to: cookie, reason: 'shared tablet' });
    expect(rejection.status).toBe(201);
    const afterAll = await app.momentAfter(rejection.body.position);
    return { whileMerged, afterAll, rejectionPosition: rejection.body.position as string };
  }

  let story: Awaited<ReturnType<typeof tomsStory>>;
  beforeAll(async () => {
    story = await tomsStory();
  });

  it('shows each step of the history with what it changed and the rule that decided it', async () => {
    const history = await app.getOk(`/v1/profiles/CRMID/tom/history?minPosition=${story.rejectionPosition}`);
    const steps = history.items;
    expect(steps.map((s: { kind: string }) => s.kind)).toEqual(['record', 'link', 'link', 'link', 'linkRejected']);
    expect(history.nextCursor).toBeNull();
    const [record, merge, again, split, rejected] = steps;
    expect(record.changes.attributes).toEqual([{ path: 'name', before: null, after: 'Tom' }]);
    expect(record.item).toMatchObject({ source: 'crm', timestamp: '2026-01-01T00:00:00.000Z' });
    expect(Date.parse(record.recordedAt)).not.toBeNaN();

    expect(merge.changes.identitiesJoined).toEqual([email]);
    expect(merge.changes.linksAdded).toEqual([expect.objectContaining({ from: cookie, to: email, sources: ['web'] })]);
    expect(merge.changes.attributes).toEqual([{ path: 'tier', before: null, after: 'gold' }]);
    expect(again.changes).toMatchObject({ attributes: [], linksAdded: [], identitiesJoined: [] });

    expect(split.item.source).toBe('kiosk');
    expect(split.changes.linksRemoved).toEqual([
      expect.objectContaining({ from: cookie, to: email, reason: 'UNIQUE_NAMESPACE_CONFLICT', removedBy: split.eventId }),
    ]);
    expect(split.changes.identitiesLeft).toEqual([email]);
    expect(split.changes.attributes).toEqual([{ path: 'tier', before: 'gold', after: null }]);

    expect(rejected.rule).toMatchObject({ from: tom, to: cookie, reason: 'shared tablet' });
    expect(rejected.changes.linksRemoved).toEqual([expect.objectContaining({ from: tom, to: cookie, reason: 'LINK_REJECTED' })]);
    expect(rejected.changes.identitiesLeft).toEqual([cookie]);
  });

  it('pages the history by log position, and replays it (and the graph, rejected links included) as of a moment', async () => {
    const first = await app.getOk('/v1/profiles/CRMID/tom/history?limit=2');
    expect(first.items).toHaveLength(2);
    const rest = await app.getOk(`/v1/profiles/CRMID/tom/history?limit=10&cursor=${first.nextCursor}`);
    expect([...first.items, ...rest.items]).toEqual((await app.getOk('/v1/profiles/CRMID/tom/history')).items);
    const then = await app.getOk(`/v1/profiles/CRMID/tom/history?asOf=${story.whileMerged}`);
    expect(then.items.map((s: { kind: string }) => s.kind)).toEqual(['record', 'link', 'link']);
    for (const key of ['CRMID/tom', 'ECID/111', `Email/${encodeURIComponent('tom@acme.com')}`]) {
      expect(await app.getOk(`/v1/profiles/${key}/graph?asOf=${story.afterAll}`)).toEqual(await app.getOk(`/v1/profiles/${key}/graph`));
    }
    const bad = await app.call('GET', '/v1/profiles/CRMID/tom/history?cursor=nonsense');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'READ_STORE_BAD_CURSOR']);
  });

  it('explains two identities of one graph with the chain of links and the items that created them', async () => {
    const cookieKey = encodeURIComponent('ECID:111');
    const then = await app.getOk(`/v1/profiles/CRMID/tom/graph/explain?to=${encodeURIComponent('Email:Tom@Acme.com')}&asOf=${story.whileMerged}`);
    expect(then.from).toEqual(tom);
    expect(then.to).toEqual(email);
    expect(then.links.map((l: { from: unknown; to: unknown }) => [l.from, l.to])).toEqual([[tom, cookie], [cookie, email]]);
    expect(then.links[0]).toMatchObject({ sources: ['crm'], firstSeen: '2026-01-01T00:00:00.000Z', createdBy: { kind: 'record', source: 'crm' } });
    expect(then.links[1]).toMatchObject({ sources: ['web'], lastSeen: '2026-02-03T00:00:00.000Z', createdBy: { kind: 'link', source: 'web' } });
    expect(then.links[1].createdBy.timestamp).toBe('2026-02-02T00:00:00.000Z');

    const now = await app.getOk(`/v1/profiles/CRMID/ann/graph/explain?to=${encodeURIComponent('Email:tom@acme.com')}`);
    expect(now.links).toEqual([expect.objectContaining({ from: ref('CRMID:ann'), to: email, sources: ['kiosk'] })]);
    expect(now.links[0].createdBy).toMatchObject({ kind: 'link', source: 'kiosk', eventId: expect.any(String) });

    const split = await app.call('GET', `/v1/profiles/CRMID/tom/graph/explain?to=${cookieKey}`);
    expect([split.status, split.body.error.code]).toEqual([404, 'GRAPH_PATH_NOT_FOUND']);
  });

  it('answers 400 for a malformed target and 404 for an unknown identity', async () => {
    for (const to of ['nothing', ':x', 'Email:', '1bad:x']) {
      const reply = await app.call('GET', `/v1/profiles/CRMID/tom/graph/explain?to=${encodeURIComponent(to)}`);
      expect({ to, status: reply.status, code: reply.body.error.code }).toEqual({ to, status: 400, code: 'EXPLAIN_TARGET_INVALID' });
    }
    const missing = await app.call('GET', '/v1/profiles/CRMID/tom/graph/explain');
    expect([missing.status, missing.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknown = await app.call('GET', '/v1/profiles/CRMID/nobody/graph/explain?to=ECID:111');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'PROFILE_NOT_FOUND']);
    const noHistory = await app.call('GET', '/v1/profiles/CRMID/nobody/history');
    expect([noHistory.status, noHistory.body.error.code]).toEqual([404, 'PROFILE_NOT_FOUND']);
  });
});
