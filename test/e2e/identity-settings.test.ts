import { readLog, startTestApp, TestApp } from './tessera-app';

let app: TestApp;
beforeEach(async () => {
  app = await startTestApp();
});
afterEach(() => app.close());

const DEFAULT_CODES = ['CRMID', 'loginID', 'Email', 'Phone', 'IDFA', 'GAID', 'ECID'];
const loyalty = { code: 'Loyalty', type: 'partner', unique: false };

describe('identity settings', () => {
  it('a fresh store serves the defaults at version 0', async () => {
    const res = await app.call('GET', '/v1/identity/settings');
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(0);
    expect(res.body.namespaces.map((n: { code: string }) => n.code)).toEqual(DEFAULT_CODES);
    expect(res.body.namespaces[0]).toEqual({ code: 'CRMID', type: 'person', unique: true });
  });

  it('PUT appends IdentitySettingsChanged, bumps the version, and ingestion follows the new namespaces', async () => {
    const before = await app.post('/v1/events', { id: 'l1', source: 's', type: 't', timestamp: '2024-01-01T00:00:00Z', identities: [{ namespace: 'Loyalty', id: 'L1' }] });
    expect(before.body.error.code).toBe('UNKNOWN_NAMESPACE');
    const put = await app.call('PUT', '/v1/identity/settings', { body: { namespaces: [{ code: 'CRMID', type: 'person', unique: true }, loyalty] } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ version: 1, position: expect.any(String) });
    const log = await readLog(app.store);
    expect(log.at(-1)).toMatchObject({ stream: 'tessera-settings', position: put.body.position, event: { type: 'IdentitySettingsChanged' } });
    const after = await app.post('/v1/events', { id: 'l1', source: 's', type: 't', timestamp: '2024-01-01T00:00:00Z', identities: [{ namespace: 'Loyalty', id: 'L1' }] });
    expect(after.status).toBe(202);
    const ecid = await app.post('/v1/events', { id: 'l2', source: 's', type: 't', timestamp: '2024-01-01T00:00:00Z', identities: [{ namespace: 'ECID', id: 'c' }] });
    expect(ecid.body.error.code).toBe('UNKNOWN_NAMESPACE');
    const second = await app.call('PUT', '/v1/identity/settings', { body: { namespaces: [loyalty], graphCap: 20 } });
    expect(second.body.version).toBe(2);
    expect((await app.call('GET', '/v1/identity/settings')).body).toEqual({ namespaces: [loyalty], graphCap: 20, version: 2 });
  });

  it('settings survive a restart on the same DATA_DIR', async () => {
    await app.call('PUT', '/v1/identity/settings', { body: { namespaces: [loyalty] } });
    const restarted = await startTestApp({ DATA_DIR: app.config.dataDir });
    try {
      expect((await restarted.call('GET', '/v1/identity/settings')).body).toMatchObject({ namespaces: [loyalty], version: 1 });
    } finally {
      await restarted.close();
    }
  });

  it.each<[number, string, unknown]>([
    [422, 'NAMESPACE_NOT_UNIQUE_CAPABLE', { namespaces: [{ code: 'ECID', type: 'cookie', unique: true }] }],
    [422, 'NAMESPACE_NOT_UNIQUE_CAPABLE', { namespaces: [{ code: 'P', type: 'partner', unique: true }] }],
    [422, 'NAMESPACE_CODE_DUPLICATE', { namespaces: [loyalty, loyalty] }],
    [422, 'NAMESPACE_CODE_INVALID', { namespaces: [{ code: 'a:b', type: 'person' }] }],
    [422, 'NAMESPACE_TYPE_INVALID', { namespaces: [{ code: 'X', type: 'robot' }] }],
    [422, 'SETTINGS_NO_NAMESPACE', { namespaces: [] }],
    [422, 'GRAPH_CAP_INVALID', { namespaces: [loyalty], graphCap: 0 }],
    [400, 'VALIDATION_FAILED', { namespaces: 'CRMID' }],
    [400, 'VALIDATION_FAILED', { namespaces: [{ code: 1, type: 'person' }] }],
    [400, 'VALIDATION_FAILED', {}],
    [400, 'VALIDATION_FAILED', [loyalty]],
  ])('PUT answers %i %s and changes nothing', async (status, code, body) => {
    const res = await app.call('PUT', '/v1/identity/settings', { body });
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    expect(await app.store.headPosition()).toBeUndefined();
    expect((await app.call('GET', '/v1/identity/settings')).body.version).toBe(0);
  });

  it('of two concurrent changes decided on the same version, one lands and the other is a 409', async () => {
    const puts = await Promise.all(
      [loyalty, { code: 'Other', type: 'partner' }].map((n) => app.call('PUT', '/v1/identity/settings', { body: { namespaces: [n] } })),
    );
    const statuses = puts.map((p) => p.status).sort();
    expect(statuses[0]).toBe(200);
    if (statuses[1] === 409) expect(puts.find((p) => p.status === 409)!.body.error.code).toBe('STREAM_REVISION_CONFLICT');
    const log = (await readLog(app.store)).filter((e) => e.stream === 'tessera-settings');
    expect(log.map((e) => (e.event.data as { version: number }).version)).toEqual(statuses[1] === 409 ? [1] : [1, 2]);
    expect((await app.call('GET', '/v1/identity/settings')).body.version).toBe(log.length);
  });

  it('unique on person, email and phone is accepted', async () => {
    const namespaces = [
      { code: 'P', type: 'person', unique: true },
      { code: 'E', type: 'email', unique: true },
      { code: 'T', type: 'phone', unique: true },
    ];
    expect((await app.call('PUT', '/v1/identity/settings', { body: { namespaces } })).status).toBe(200);
  });
});
