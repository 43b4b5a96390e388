import { Reply, startTestApp, TestApp } from './tessera-app';

/**
 * Hostile and malformed bodies against every ingestion endpoint: each must get a 4xx with a stable code, nothing
 * may be stored, and the service must still answer a valid request afterwards.
 */
type Endpoint = 'records' | 'events' | 'links' | 'ingest';
type Body = Record<string, unknown>;

const BASE: Record<Exclude<Endpoint, 'ingest'>, Body> = {
  records: { id: 'r', source: 'crm', identities: [{ namespace: 'CRMID', id: 'A' }], attributes: { name: 'Tom' } },
  events: { id: 'e', source: 'web', type: 'view', timestamp: '2024-05-01T12:00:00Z', identities: [{ namespace: 'ECID', id: '1' }], data: { url: '/' } },
  links: { source: 'crm', identities: [{ namespace: 'CRMID', id: 'A' }, { namespace: 'ECID', id: '1' }] },
};
const PAYLOAD: Record<string, string | undefined> = { records: 'attributes', events: 'data', links: undefined };

const nest = (depth: number): unknown => (depth === 0 ? 'x' : { k: nest(depth - 1) });
const identities = (n: number) => Array.from({ length: n }, (_, i) => ({ namespace: 'ECID', id: `c${i}` }));

/** Mutations of a valid item that make it invalid whatever its kind; `payload` is attributes/data (or none). */
const MUTATIONS: Array<[string, (b: Body, payload?: string) => Body | undefined]> = [
  ['source missing', ({ source: _s, ...b }) => b],
  ['source a number', (b) => ({ ...b, source: 1 })],
  ['source null', (b) => ({ ...b, source: null })],
  ['source empty', (b) => ({ ...b, source: '' })],
  ['source huge', (b) => ({ ...b, source: 's'.repeat(10_000) })],
  ['source an object', (b) => ({ ...b, source: { $ne: null } })],
  ['identities missing', ({ identities: _i, ...b }) => b],
  ['identities a string', (b) => ({ ...b, identities: 'CRMID:A' })],
  ['identities an object', (b) => ({ ...b, identities: { namespace: 'CRMID', id: 'A' } })],
  ['identities of numbers', (b) => ({ ...b, identities: [1, 2] })],
  ['identities empty', (b) => ({ ...b, identities: [] })],
  ['identity namespace a number', (b) => ({ ...b, identities: [{ namespace: 1, id: 'A' }] })],
  ['identity id a number', (b) => ({ ...b, identities: [{ namespace: 'CRMID', id: 42 }] })],
  ['identity id null', (b) => ({ ...b, identities: [{ namespace: 'CRMID', id: null }] })],
  ['identity id missing', (b) => ({ ...b, identities: [{ namespace: 'CRMID' }] })],
  ['identity primary a string', (b) => ({ ...b, identities: [{ namespace: 'CRMID', id: 'A', primary: 'yes' }] })],
  ['identity id huge', (b) => ({ ...b, identities: [{ namespace: 'CRMID', id: 'x'.repeat(5000) }] })],
  ['unregistered namespace', (b) => ({ ...b, identities: [{ namespace: 'crmid', id: 'A' }, { namespace: 'ECID', id: '1' }] })],
  ['namespace with $', (b) => ({ ...b, identities: [{ namespace: '$where', id: 'A' }] })],
  ['21 identities', (b) => ({ ...b, identities: identities(21) })],
  ['10000 identities', (b) => ({ ...b, identities: identities(10_000) })],
  ['only blocked values', (b) => ({ ...b, identities: [{ namespace: 'ECID', id: 'null' }, { namespace: 'Email', id: 'UNKNOWN' }] })],
  ['two values of a unique namespace', (b) => ({ ...b, identities: [{ namespace: 'CRMID', id: 'A' }, { namespace: 'CRMID', id: 'B' }] })],
  ['timestamp without zone', (b) => ({ ...b, timestamp: '2024-05-01T12:00:00' })],
  ['timestamp a number', (b) => ({ ...b, timestamp: 1714564800000 })],
  ['timestamp an object', (b) => ({ ...b, timestamp: { $gt: '' } })],
  ['timestamp impossible date', (b) => ({ ...b, timestamp: '2024-02-31T12:00:00Z' })],
  ['id a number', (b) => ({ ...b, id: 7 })],
  ['id empty', (b) => ({ ...b, id: '' })],
  ['id huge', (b) => ({ ...b, id: 'i'.repeat(1000) })],
  ['__proto__ at the top', (b) => JSON.parse(`{"__proto__": {"isAdmin": true}, ${JSON.stringify(b).slice(1)}`)],
  ['constructor at the top', (b) => ({ ...b, constructor: { prototype: { polluted: true } } })],
  ['__proto__ inside an identity', (b) => ({ ...b, identities: [JSON.parse('{"namespace":"CRMID","id":"A","__proto__":{"x":1}}')] })],
  ['deep nesting at the top', (b) => ({ ...b, extra: nest(200) })],
  ['__proto__ in the payload', (b, p) => (p ? { ...b, [p]: JSON.parse('{"a":{"__proto__":{"polluted":true}}}') } : undefined)],
  ['prototype key in the payload', (b, p) => (p ? { ...b, [p]: { prototype: 1 } } : undefined)],
  ['$where in the payload', (b, p) => (p ? { ...b, [p]: { $where: 'function() { return true }' } } : undefined)],
  ['$set nested in the payload', (b, p) => (p ? { ...b, [p]: { a: [{ $set: { admin: true } }] } } : undefined)],
  ['dotted key in the payload', (b, p) => (p ? { ...b, [p]: { 'profile.admin': true } } : undefined)],
  ['NUL in a payload key', (b, p) => (p ? { ...b, [p]: { 'a\u0000b': 1 } } : undefined)],
  ['empty payload key', (b, p) => (p ? { ...b, [p]: { '': 1 } } : undefined)],
  ['payload an array', (b, p) => (p ? { ...b, [p]: [1, 2] } : undefined)],
  ['payload a string', (b, p) => (p ? { ...b, [p]: 'name=Tom' } : undefined)],
  ['payload nested 40 deep', (b, p) => (p ? { ...b, [p]: nest(40) } : undefined)],
  ['payload over the item size limit', (b, p) => (p ? { ...b, [p]: { blob: 'x'.repeat(300 * 1024) } } : undefined)],
];

/** Bodies broken below the item level: bytes, syntax, media types, sizes. */
const RAW: Array<[string, string | Uint8Array, string | null]> = [
  ['truncated JSON', '{"source": "crm", "identities": [', 'application/json'],
  ['single quotes', "{'source': 'crm'}", 'application/json'],
  ['trailing comma', '{"source": "crm",}', 'application/json'],
  ['empty body', '', 'application/json'],
  ['whitespace body', '   \n ', 'application/json'],
  ['invalid UTF-8 byte', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 'application/json'],
  ['overlong UTF-8', new Uint8Array([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]), 'application/json'],
  ['lone continuation byte', new Uint8Array([0x5b, 0x22, 0x80, 0x22, 0x5d]), 'application/json'],
  ['JSON null', 'null', 'application/json'],
  ['JSON number', '42', 'application/json'],
  ['JSON string', '"record"', 'application/json'],
  ['JSON true', 'true', 'application/json'],
  ['deeply nested arrays', `${'['.repeat(50_000)}${']'.repeat(50_000)}`, 'application/json'],
  ['deeply nested objects', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`, 'application/json'],
  ['text/plain', '{"source":"crm"}', 'text/plain'],
  ['application/xml', '<record/>', 'application/xml'],
  ['form encoded', 'source=crm&identities=x', 'application/x-www-form-urlencoded'],
  ['multipart', '--b\r\n\r\n--b--', 'multipart/form-data; boundary=b'],
  ['no content type', '{"source":"crm"}', null],
  ['over the request limit', `{"source":"${'x'.repeat(9 * 1024 * 1024)}"}`, 'application/json'],
];

const ENDPOINTS: Endpoint[] = ['records', 'events', 'links', 'ingest'];
const CODE = /^[A-Z][A-Z0-9_]*$/;

/** A 4xx with a stable code; for a batch that parsed as an array, a 207 whose every item is such a 4xx. */
function expectRejected(res: Reply): void {
  const outcomes = res.status === 207 ? res.body.results : [{ status: res.status, error: res.body.error }];
  expect(outcomes.length).toBeGreaterThan(0);
  for (const outcome of outcomes) {
    expect(outcome.status).toBeGreaterThanOrEqual(400);
    expect(outcome.status).toBeLessThan(500);
    expect(outcome.error.code).toMatch(CODE);
  }
}

let app: TestApp;
let head: string | undefined;
let sent = 0;
beforeAll(async () => {
  app = await startTestApp();
  head = await app.store.headPosition();
});
afterAll(() => app.close());

describe.each(ENDPOINTS)('POST /v1/%s', (endpoint) => {
  const kind = { records: 'record', events: 'event', links: 'link', ingest: 'event' }[endpoint];
  const base = endpoint === 'ingest' ? BASE.events : BASE[endpoint];
  const cases = MUTATIONS.map(([name, mutate]) => [name, mutate({ ...base }, PAYLOAD[endpoint === 'ingest' ? 'events' : endpoint])] as const)
    .filter((c): c is readonly [string, Body] => c[1] !== undefined);

  it.each(cases)('%s → 4xx with a stable code', async (_, body) => {
    sent++;
    expectRejected(endpoint === 'ingest' ? await app.post('/v1/ingest', [{ ...body, kind }]) : await app.post(`/v1/${endpoint}`, body));
  });

  it.each(RAW)('%s → 4xx with a stable code', async (_, raw, contentType) => {
    sent++;
    expectRejected(await app.call('POST', `/v1/${endpoint}`, { raw, contentType }));
  });
});

describe('afterwards', () => {
  it('stored nothing and still answers a valid request', async () => {
    expect(sent).toBeGreaterThanOrEqual(100);
    expect(await app.store.headPosition()).toBe(head);
    expect(({}) as Record<string, unknown>).not.toHaveProperty('polluted');
    expect(({}) as Record<string, unknown>).not.toHaveProperty('isAdmin');
    const res = await app.post('/v1/events', { ...BASE.events, id: 'still-alive' });
    expect(res.status).toBe(202);
    const health = await app.call('GET', '/v1/health');
    expect(health.status).toBe(200);
  });
});
