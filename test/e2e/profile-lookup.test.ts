import { startTestApp, type TestApp } from './tessera-app';

/**
 * GET /v1/profiles/lookup?namespace&id (API.md "Reading by query string"): exactly the path form's answers and
 * parameters, for every value ingestion accepts, including those no path can carry, and the longest ones in any
 * script by path as well.
 */
const byPath = (namespace: string, id: string, query = '') =>
  `/v1/profiles/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}${query ? `?${query}` : ''}`;
const byQuery = (namespace: string, id: string, query = '') =>
  `/v1/profiles/lookup?${new URLSearchParams({ namespace, id })}${query ? `&${query}` : ''}`;

describe('profile lookup by query string', () => {
  let app: TestApp;
  let last: string;
  let between: string;
  beforeAll(async () => {
    app = await startTestApp();
    const first = await app.ingest('/v1/records', {
      source: 'crm',
      timestamp: '2026-01-01T00:00:00Z',
      identities: [{ namespace: 'CRMID', id: 'c-1' }, { namespace: 'Email', id: 'Ada@Example.com' }],
      attributes: { name: 'Ada', tier: 'gold' },
    });
    between = await app.momentAfter(first);
    last = await app.ingest('/v1/records', {
      source: 'loyalty',
      timestamp: '2026-02-01T00:00:00Z',
      identities: [{ namespace: 'Email', id: 'ada@example.com' }],
      attributes: { tier: 'platinum' },
    });
    const policy = { attributeMerge: { type: 'sourcePrecedence', order: ['crm', 'loyalty'] }, identityStitching: 'graph' };
    expect((await app.call('PUT', '/v1/merge-policies/crm-first', { body: policy })).status).toBe(200);
    await app.getOk(`/v1/profiles?limit=1&minPosition=${last}`);
  });
  afterAll(() => app.close());

  it('answers exactly what the path form answers, parameter for parameter', async () => {
    const queries = ['', 'mergePolicy=crm-first', `minPosition=${last}`, `asOf=${encodeURIComponent(between)}`,
      `asOf=${encodeURIComponent(between)}&mergePolicy=crm-first`, 'mergePolicy=missing', 'minPosition=garbage',
      'asOf=yesterday', 'asOf=2026-01-01T00:00:00', 'unknownParameter=1'];
    const identities: Array<[string, string]> = [['CRMID', 'c-1'], ['Email', ' ADA@example.com '], ['CRMID', 'nobody'], ['Nope', 'x']];
    for (const [namespace, id] of identities) {
      for (const query of queries) {
        const [path, lookup] = await Promise.all([app.call('GET', byPath(namespace, id, query)), app.call('GET', byQuery(namespace, id, query))]);
        expect({ namespace, id, query, status: lookup.status, body: lookup.body }).toEqual({ namespace, id, query, status: path.status, body: path.body });
      }
    }
    const profile = await app.getOk(byQuery('Email', 'ada@example.com', 'mergePolicy=crm-first'));
    expect(profile.attributes).toEqual({ name: 'Ada', tier: 'gold' });
    expect((await app.getOk(byQuery('CRMID', 'c-1', `asOf=${encodeURIComponent(between)}`))).attributes).toEqual({ name: 'Ada', tier: 'gold' });
  });

  it('reads values no path can carry (., ..) and values holding +, &, =, # and %', async () => {
    const values = ['.', '..', '+41 79 000 00 00', 'a&b=c#d', '100%', '%ff', 'ends with ?'];
    const batch = await app.post('/v1/ingest', values.map((id, i) => ({ kind: 'record', id: `odd-${i}`, source: 'crm', identities: [{ namespace: 'ECID', id }], attributes: { i } })));
    expect(batch.body.results.map((r: { status: number }) => r.status)).toEqual(values.map(() => 202));
    await app.getOk(`/v1/profiles?limit=1&minPosition=${batch.body.results.at(-1).position}`);
    for (const [i, id] of values.entries()) {
      const profile = await app.getOk(byQuery('ECID', id));
      expect({ id, identities: profile.identities, attributes: profile.attributes }).toEqual({ id, identities: [{ namespace: 'ECID', id, type: 'cookie' }], attributes: { i } });
    }
  });

  it('refuses a query that names no identity, or two, with the error body', async () => {
    const cases: Array<[string, number, string]> = [
      ['/v1/profiles/lookup', 400, 'VALIDATION_FAILED'],
      ['/v1/profiles/lookup?namespace=ECID', 400, 'VALIDATION_FAILED'],
      ['/v1/profiles/lookup?id=x', 400, 'VALIDATION_FAILED'],
      ['/v1/profiles/lookup?namespace=ECID&id=', 400, 'IDENTITY_INVALID'],
      ['/v1/profiles/lookup?namespace=ECID&id=a&id=b', 400, 'VALIDATION_FAILED'],
      ['/v1/profiles/lookup?namespace=ECID&namespace=Email&id=a', 400, 'VALIDATION_FAILED'],
      ['/v1/profiles/lookup?namespace=ECID&id=%ff', 400, 'MALFORMED_URL'],
      ['/v1/profiles/lookup?namespace=ECID&id=%E0%A4', 400, 'MALFORMED_URL'],
      ['/v1/profiles/lookup?namespace=ECID&id=never-seen', 404, 'PROFILE_NOT_FOUND'],
    ];
    for (const [url, status, code] of cases) {
      const reply = await app.call('GET', url);
      expect({ url, status: reply.status, code: reply.body.error?.code, keys: Object.keys(reply.body.error ?? {}) }).toEqual({ url, status, code, keys: ['code', 'message', 'details'] });
    }
  });

  it('keeps a namespace called lookup readable by path, beside the static route', async () => {
    const settings = (await app.getOk('/v1/identity/settings')).namespaces;
    const put = await app.call('PUT', '/v1/identity/settings', { body: { namespaces: [...settings, { code: 'lookup', type: 'cookie', unique: false }] } });
    expect(put.status).toBe(200);
    const position = await app.ingest('/v1/links', { source: 'web', identities: [{ namespace: 'lookup', id: 'x' }, { namespace: 'lookup', id: 'events' }] });
    const viaPath = await app.getOk(`/v1/profiles/lookup/x?minPosition=${position}`);
    expect(viaPath.identities.map((i: { id: string }) => i.id).sort()).toEqual(['events', 'x']);
    expect(await app.getOk('/v1/profiles/lookup/events')).toEqual(viaPath);
    expect(await app.getOk(byQuery('lookup', 'x'))).toEqual(viaPath);
    expect((await app.getOk('/v1/profiles/lookup/x/graph')).identities).toHaveLength(2);
    expect((await app.getOk('/v1/profiles/lookup/events/events')).items).toEqual([]);
  });

  it('reads the longest values of every script by path, by query and in explain (two in one URL)', async () => {
    const longest = [
      ['ECID', 'a'.repeat(1024)],
      ['ECID', 'é'.repeat(1024)], // 2 UTF-8 bytes each
      ['CRMID', '中'.repeat(1024)], // 3 bytes: 9,216 characters percent-encoded, the longest a value gets
      ['Phone', 'ﷺ'.repeat(1024)], // 3 bytes
      ['IDFA', '😀'.repeat(512)], // 4 bytes, 2 UTF-16 units each: 1024 units
      ['GAID', `${'Z̴̡̧̛͙̘̈́̀'.repeat(128)}`.slice(0, 1024)], // zalgo: combining marks
    ];
    const position = await app.ingest('/v1/links', { source: 'crm', identities: longest.map(([namespace, id]) => ({ namespace, id })) });
    const profile = await app.getOk(`${byPath('CRMID', '中'.repeat(1024))}?minPosition=${position}`);
    expect(profile.identities).toHaveLength(longest.length);
    for (const [namespace, id] of longest) {
      expect(await app.getOk(byPath(namespace, id))).toEqual(profile);
      expect(await app.getOk(byQuery(namespace, id))).toEqual(profile);
    }
    const explain = await app.getOk(`${byPath('CRMID', '中'.repeat(1024))}/graph/explain?to=${encodeURIComponent(`Phone:${'ﷺ'.repeat(1024)}`)}`);
    expect(explain).toBeTruthy();
    const tooLong = await app.post('/v1/links', { source: 'crm', identities: [{ namespace: 'ECID', id: '中'.repeat(1025) }, { namespace: 'IDFA', id: 'z' }] });
    expect({ status: tooLong.status, code: tooLong.body.error.code }).toEqual({ status: 422, code: 'IDENTITY_VALUE_TOO_LONG' });
  });
});
