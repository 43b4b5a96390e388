import { startTestApp, TestApp } from './tessera-app';

const record = { source: 'crm', identities: [{ namespace: 'CRMID', id: 'A' }], attributes: {} };

describe('with API keys', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ API_KEYS: 'ingest-key=ingest;reader-key=read;ops-key=admin;privacy-key=privacy' });
  });
  afterAll(() => app.close());

  it.each([
    ['no header', undefined],
    ['an unknown key', 'nope'],
  ])('answers 401 UNAUTHENTICATED to %s', async (_, key) => {
    const res = await app.post('/v1/records', record, { key });
    expect([res.status, res.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('rejects a malformed Authorization header', async () => {
    const res = await fetch(`${app.url}/v1/identity/settings`, { headers: { authorization: 'Basic aW5nZXN0LWtleTo=' } });
    expect(res.status).toBe(401);
  });

  it.each<[string, string, string, unknown, number]>([
    ['ingest-key', 'POST', '/v1/records', record, 202],
    ['reader-key', 'POST', '/v1/records', record, 403],
    ['privacy-key', 'POST', '/v1/ingest', [], 403],
    ['ops-key', 'POST', '/v1/links', { ...record, identities: [...record.identities, { namespace: 'ECID', id: '1' }] }, 202],
    ['reader-key', 'GET', '/v1/identity/settings', undefined, 200],
    ['ingest-key', 'GET', '/v1/identity/settings', undefined, 403],
    ['reader-key', 'PUT', '/v1/identity/settings', { namespaces: [{ code: 'CRMID', type: 'person' }] }, 403],
    ['ops-key', 'PUT', '/v1/identity/settings', { namespaces: [{ code: 'CRMID', type: 'person' }] }, 200],
  ])('%s: %s %s with %j → %i', async (key, method, path, body, status) => {
    const res = await app.call(method, path, { key, body });
    expect(res.status).toBe(status);
    if (status === 403) expect(res.body.error.code).toBe('FORBIDDEN_SCOPE');
  });

  it('serves health, metrics and docs without a key', async () => {
    for (const path of ['/v1/health', '/metrics', '/docs', '/docs-json']) expect((await app.call('GET', path)).status).toBe(200);
  });

  it('a key without the scope gets 403 before its body is validated', async () => {
    const withKey = await app.post('/v1/records', undefined, { raw: '{"source": 1}', key: 'reader-key' });
    expect(withKey.status).toBe(403);
  });
});

describe('without API keys on loopback', () => {
  it('allows everything', async () => {
    const app = await startTestApp();
    try {
      expect((await app.post('/v1/records', record)).status).toBe(202);
      expect((await app.call('PUT', '/v1/identity/settings', { body: { namespaces: [{ code: 'CRMID', type: 'person' }] } })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
