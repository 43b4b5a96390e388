import { startTestApp, until, type TestApp } from './tessera-app';

/** Audience definitions, preview and explain over the real service (SQLite log, projector inline). */
describe('audiences over HTTP', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const put = (id: string, body: unknown) => app.call('PUT', `/v1/audiences/${id}`, { body });
  const basel = { attribute: 'address.city', op: 'eq', value: 'Basel' };
  const recentBuyer = { event: { type: 'purchase' }, window: { last: '30d' } };

  it('a definition is an event in the log, read back with its version and times', async () => {
    const saved = await put('baselers', { name: 'Baselers', condition: basel });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ id: 'baselers', version: 1, position: expect.any(String), status: expect.stringMatching(/^(backfilling|ready)$/) });
    const again = await put('baselers', { name: 'People of Basel', description: 'by city', condition: basel });
    expect(again.body.version).toBe(2);
    await app.momentAfter(again.body.position);
    const read = await until(() => app.getOk('/v1/audiences/baselers'), (a) => a.status === 'ready', 5_000);
    expect(read).toMatchObject({ id: 'baselers', name: 'People of Basel', description: 'by city', condition: basel, version: 2, status: 'ready' });
    expect(Date.parse(read.updatedAt)).toBeGreaterThanOrEqual(Date.parse(read.createdAt));
    const log = await app.getOk('/v1/log?limit=1000');
    expect(log.items.filter((i: { type: string }) => i.type === 'AudienceSaved')).toHaveLength(2);
    expect((await app.getOk('/v1/audiences')).items.map((a: { id: string }) => a.id)).toContain('baselers');
  });

  it('an invalid condition is a 422 naming each offending node, and nothing is stored', async () => {
    const reply = await put('broken', { name: 'b', condition: { and: [basel, { attribute: 'x', op: 'between', value: 1 }] } });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('CONDITION_INVALID');
    expect(reply.body.error.details.map((d: { path: string }) => d.path)).toEqual(['condition.and[1].op']);
    expect((await app.call('GET', '/v1/audiences/broken')).status).toBe(404);
  });

  it('hostile bodies and ids are 4xx with stable codes', async () => {
    expect((await put('broken', { name: 'b' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await put('1bad', { name: 'b', condition: basel })).body.error.code).toBe('AUDIENCE_ID_INVALID');
    expect((await put('broken', { name: 'b', condition: 'x' })).status).toBe(422);
    const proto = await app.call('PUT', '/v1/audiences/broken', { raw: '{"name":"b","condition":{"__proto__":{"attribute":"a","op":"exists"}}}' });
    expect(proto.status).toBeGreaterThanOrEqual(400);
    expect(proto.status).toBeLessThan(500);
    const deep = await app.call('PUT', '/v1/audiences/broken', { raw: `{"name":"b","condition":${'{"not":'.repeat(500)}{}${'}'.repeat(500)}}` });
    expect(deep.status).toBeGreaterThanOrEqual(400);
    expect(deep.status).toBeLessThan(500);
    expect((await app.call('DELETE', '/v1/audiences/nobody')).body.error.code).toBe('AUDIENCE_NOT_FOUND');
  });

  it('refuses cycles, and deleting an audience another one names', async () => {
    expect((await put('buyers', { name: 'Buyers', condition: recentBuyer })).status).toBe(200);
    expect((await put('baselBuyers', { name: 'BB', condition: { and: [{ audience: 'baselers', op: 'member' }, { audience: 'buyers', op: 'member' }] } })).status).toBe(200);
    const cycle = await put('buyers', { name: 'Buyers', condition: { audience: 'baselBuyers', op: 'notMember' } });
    expect(cycle.status).toBe(422);
    expect(cycle.body.error.code).toBe('AUDIENCE_CYCLE');
    const inUse = await app.call('DELETE', '/v1/audiences/buyers');
    expect(inUse.status).toBe(422);
    expect(inUse.body.error.code).toBe('AUDIENCE_IN_USE');
  });

  it('preview counts exactly the profiles that match now, audience-of-audience included; explain shows why', async () => {
    const now = Date.now();
    await app.ingest('/v1/records', { id: 'r1', source: 'crm', identities: [{ namespace: 'CRMID', id: 'tom' }], attributes: { address: { city: 'Basel' } } });
    await app.ingest('/v1/records', { id: 'r2', source: 'crm', identities: [{ namespace: 'CRMID', id: 'ann' }], attributes: { address: { city: 'Bern' } } });
    await app.ingest('/v1/events', { id: 'e1', source: 'web', type: 'purchase', timestamp: new Date(now - 86_400_000).toISOString(), identities: [{ namespace: 'CRMID', id: 'tom' }] });
    const last = await app.ingest('/v1/events', { id: 'e2', source: 'web', type: 'purchase', timestamp: new Date(now - 40 * 86_400_000).toISOString(), identities: [{ namespace: 'CRMID', id: 'ann' }] });
    await app.momentAfter(last);

    const preview = await app.post('/v1/audiences/preview', { condition: recentBuyer });
    expect(preview.status).toBe(200);
    expect(preview.body.size).toBe(1);
    expect(preview.body.sample).toEqual([{ profileId: expect.stringMatching(/^p_/), primaryIdentity: { namespace: 'CRMID', id: 'tom' } }]);
    const ever = await app.post('/v1/audiences/preview', { condition: { event: { type: 'purchase' } }, limit: 0 });
    expect(ever.body).toEqual({ size: 2, sample: [] });
    const both = await app.post('/v1/audiences/preview', { condition: { audience: 'baselBuyers', op: 'member' } });
    expect(both.body.size).toBe(1);
    expect((await until(() => app.getOk('/v1/audiences/baselBuyers'), (a) => a.size === 1, 5_000)).size).toBe(1);

    const explained = await app.getOk('/v1/profiles/CRMID/tom/audiences/buyers/explain');
    expect(explained).toEqual({ member: true, enteredAt: expect.any(String), condition: { ...recentBuyer, matched: true, evidence: { count: 1, eventIds: ['e1'] } } });
    const notAnn = await app.getOk('/v1/profiles/CRMID/ann/audiences/baselers/explain');
    expect(notAnn.member).toBe(false);
    expect(notAnn.condition.evidence).toEqual({ value: 'Bern', records: [expect.objectContaining({ path: 'address.city', source: 'crm', recordId: 'r2' })] });

    // asOf: Tom moves to Bern; explained as of before the move, he is still a Basel member, with the record then.
    const beforeMove = await app.momentAfter(last);
    await app.momentAfter(await app.ingest('/v1/records', { id: 'r3', source: 'crm', identities: [{ namespace: 'CRMID', id: 'tom' }], attributes: { address: { city: 'Bern' } } }));
    const nowTom = await app.getOk('/v1/profiles/CRMID/tom/audiences/baselers/explain');
    expect({ member: nowTom.member, matched: nowTom.condition.matched }).toEqual({ member: false, matched: false });
    const thenTom = await app.getOk(`/v1/profiles/CRMID/tom/audiences/baselers/explain?asOf=${encodeURIComponent(beforeMove)}`);
    expect(thenTom).toEqual({
      member: true,
      enteredAt: expect.any(String),
      condition: { ...basel, matched: true, evidence: { value: 'Basel', records: [expect.objectContaining({ path: 'address.city', recordId: 'r1' })] } },
    });
    const thenBuyer = await app.getOk(`/v1/profiles/CRMID/tom/audiences/buyers/explain?asOf=${encodeURIComponent(beforeMove)}`);
    expect(thenBuyer.condition).toEqual({ ...recentBuyer, matched: true, evidence: { count: 1, eventIds: ['e1'] } });
    const early = await app.call('GET', `/v1/profiles/CRMID/tom/audiences/baselers/explain?asOf=${encodeURIComponent(new Date(now - 3_600_000).toISOString())}`);
    expect({ status: early.status, code: early.body.error?.code }).toEqual({ status: 404, code: 'AUDIENCE_NOT_FOUND' });
    const noZone = await app.call('GET', '/v1/profiles/CRMID/tom/audiences/baselers/explain?asOf=2024-01-01T00:00:00');
    expect(noZone.status).toBe(400);
  });

  it('preview refuses an invalid condition with 422 and stores nothing', async () => {
    const before = (await app.getOk('/v1/log?limit=1000')).items.length;
    const reply = await app.post('/v1/audiences/preview', { condition: { identity: 'Fax', op: 'exists' } });
    expect(reply.status).toBe(422);
    expect(reply.body.error.details[0].path).toBe('condition.identity');
    expect((await app.getOk('/v1/log?limit=1000')).items.length).toBe(before);
  });

  it('a delete is an event; the audience is gone', async () => {
    expect((await app.call('DELETE', '/v1/audiences/baselBuyers')).status).toBe(200);
    expect((await app.call('GET', '/v1/audiences/baselBuyers')).status).toBe(404);
  });
});
