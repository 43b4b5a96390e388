import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { IngestLane } from '../../src/ingestion/ingest-lane';
import { startTestApp, type TestApp } from './tessera-app';

/**
 * The single-item POSTs answered before fastify (src/ingestion/ingest-lane.ts) answer exactly what the routes
 * answer through Nest: status, headers and body, for valid items, duplicates, hostile items and bodies, media types,
 * encodings, sizes and keys, and they store the same entries. The same requests go, in the same order, to two
 * services on fresh logs: one with the lane, one with `ingestLane: false`.
 */
const LIMIT = 64 * 1024;
const ENV = { API_KEYS: 'ingest-key=ingest;reader-key=read', MAX_REQUEST_BYTES: String(LIMIT) };
type Body = Record<string, unknown>;

const BASE: Record<string, Body> = {
  records: { id: 'r-1', source: 'crm', identities: [{ namespace: 'CRMID', id: 'A' }, { namespace: 'Email', id: ' Ada@Example.com ' }], attributes: { name: 'Ada' } },
  events: { id: 'e-1', source: 'web', type: 'view', timestamp: '2024-05-01T12:00:00Z', identities: [{ namespace: 'ECID', id: '1' }], data: { url: '/' } },
  links: { source: 'crm', identities: [{ namespace: 'CRMID', id: 'A' }, { namespace: 'ECID', id: '1' }] },
};
const nest = (depth: number): unknown => (depth === 0 ? 'x' : { k: nest(depth - 1) });
const MUTATIONS: Array<[string, (b: Body) => Body]> = [
  ['as is', (b) => b],
  ['source missing', ({ source: _s, ...b }) => b],
  ['source a number', (b) => ({ ...b, source: 1 })],
  ['identities a string', (b) => ({ ...b, identities: 'CRMID:A' })],
  ['identities empty', (b) => ({ ...b, identities: [] })],
  ['identity id huge', (b) => ({ ...b, identities: [{ namespace: 'CRMID', id: 'x'.repeat(5000) }] })],
  ['unregistered namespace', (b) => ({ ...b, identities: [{ namespace: 'crmid', id: 'A' }, { namespace: 'ECID', id: '1' }] })],
  ['two values of a unique namespace', (b) => ({ ...b, identities: [{ namespace: 'CRMID', id: 'A' }, { namespace: 'CRMID', id: 'B' }] })],
  ['only blocked values', (b) => ({ ...b, identities: [{ namespace: 'ECID', id: 'null' }, { namespace: 'Email', id: 'UNKNOWN' }] })],
  ['a blocked value beside a good one', (b) => ({ ...b, identities: [...(b.identities as unknown[]), { namespace: 'Email', id: 'NULL' }] })],
  ['timestamp without zone', (b) => ({ ...b, timestamp: '2024-05-01T12:00:00' })],
  ['id a number', (b) => ({ ...b, id: 7 })],
  ['__proto__ at the top', (b) => JSON.parse(`{"__proto__": {"isAdmin": true}, ${JSON.stringify(b).slice(1)}`)],
  ['deep nesting', (b) => ({ ...b, extra: nest(200) })],
  ['$where in the payload', (b) => ({ ...b, attributes: { $where: 'function() { return true }' }, data: { $where: 1 } })],
  ['over the item size limit', (b) => ({ ...b, attributes: { blob: 'x'.repeat(40 * 1024) }, data: { blob: 'x'.repeat(40 * 1024) } })],
  ['another id', (b) => ({ ...b, id: 'second' })],
];

interface Sent {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Written in two chunks without a Content-Length (chunked). */
  chunked?: boolean;
}

const json = { 'content-type': 'application/json' };
const ingest = { ...json, authorization: 'Bearer ingest-key' };
const requests: Sent[] = [];
for (const [endpoint, base] of Object.entries(BASE)) {
  const path = `/v1/${endpoint}`;
  for (const [name, mutate] of MUTATIONS) requests.push({ name: `${endpoint}: ${name}`, path, headers: ingest, body: JSON.stringify(mutate(base)) });
  const valid = JSON.stringify(base);
  requests.push(
    { name: `${endpoint}: again (a duplicate for an event)`, path, headers: ingest, body: valid },
    { name: `${endpoint}: no key`, path, headers: json, body: valid },
    { name: `${endpoint}: wrong key`, path, headers: { ...json, authorization: 'Bearer nope' }, body: valid },
    { name: `${endpoint}: reader key`, path, headers: { ...json, authorization: 'Bearer reader-key' }, body: valid },
    { name: `${endpoint}: charset`, path, headers: { ...ingest, 'content-type': 'application/json; charset=utf-8' }, body: valid },
    { name: `${endpoint}: upper case type`, path, headers: { ...ingest, 'content-type': 'Application/JSON' }, body: valid },
    { name: `${endpoint}: text/plain`, path, headers: { ...ingest, 'content-type': 'text/plain' }, body: valid },
    { name: `${endpoint}: ndjson`, path, headers: { ...ingest, 'content-type': 'application/x-ndjson' }, body: valid },
    { name: `${endpoint}: no content type`, path, headers: { authorization: 'Bearer ingest-key' }, body: valid },
    { name: `${endpoint}: gzip`, path, headers: { ...ingest, 'content-encoding': 'gzip' }, body: gzipSync(valid) },
    { name: `${endpoint}: identity encoding`, path, headers: { ...ingest, 'content-encoding': 'identity' }, body: valid },
    { name: `${endpoint}: unknown encoding`, path, headers: { ...ingest, 'content-encoding': 'zstd' }, body: valid },
    { name: `${endpoint}: chunked`, path, headers: ingest, body: valid, chunked: true },
    { name: `${endpoint}: query string`, path: `${path}?x=1`, headers: ingest, body: valid },
    { name: `${endpoint}: malformed query`, path: `${path}?x=%ff`, headers: ingest, body: valid },
    { name: `${endpoint}: trailing slash`, path: `${path}/`, headers: ingest, body: valid },
    { name: `${endpoint}: GET`, method: 'GET', path, headers: { authorization: 'Bearer ingest-key' } },
    { name: `${endpoint}: PUT`, method: 'PUT', path, headers: ingest, body: valid },
    { name: `${endpoint}: empty body`, path, headers: ingest, body: '' },
    { name: `${endpoint}: whitespace body`, path, headers: ingest, body: '  \n ' },
    { name: `${endpoint}: truncated JSON`, path, headers: ingest, body: valid.slice(0, 20) },
    { name: `${endpoint}: JSON null`, path, headers: ingest, body: 'null' },
    { name: `${endpoint}: JSON array`, path, headers: ingest, body: `[${valid}]` },
    { name: `${endpoint}: invalid UTF-8`, path, headers: ingest, body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) },
    { name: `${endpoint}: over the request limit`, path, headers: ingest, body: JSON.stringify({ ...base, source: 'x'.repeat(LIMIT) }) },
    { name: `${endpoint}: at the request limit`, path, headers: ingest, body: JSON.stringify({ ...base, pad: 'x'.repeat(LIMIT - valid.length - 10) }) },
    { name: `${endpoint}: deeply nested arrays`, path, headers: ingest, body: `${'['.repeat(20_000)}${']'.repeat(20_000)}` },
  );
}

interface Answer {
  request: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Generated item ids (a link's, a record's without one) differ between the two logs; nothing else may. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function send(url: string, sent: Sent): Promise<Answer> {
  const headers: Record<string, string | number> = { ...sent.headers };
  if (sent.body !== undefined && !sent.chunked) headers['content-length'] = Buffer.byteLength(sent.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${sent.path}`, { method: sent.method ?? 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const { date: _date, ...rest } = res.headers;
        resolve({ request: sent.name, status: res.statusCode!, headers: rest, body: Buffer.concat(chunks).toString('utf8').replace(UUID, '<uuid>') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (sent.chunked && typeof sent.body === 'string') {
      req.write(sent.body.slice(0, 10));
      req.end(sent.body.slice(10));
    } else req.end(sent.body);
  });
}

async function answers(app: TestApp): Promise<{ answers: Answer[]; head?: string; counted: string[] }> {
  const out: Answer[] = [];
  for (const sent of requests) out.push(await send(app.url, sent));
  // The requests' metric (by method, route pattern and status), counted for every answer, whoever gave it.
  const metrics = await (await fetch(`${app.url}/metrics`)).text();
  const counted = metrics.split('\n').filter((line) => line.startsWith('tessera_http_request_duration_seconds_count{') && line.includes('method="POST"'));
  return { answers: out, head: await app.store.headPosition(), counted };
}

describe('single-item POSTs before fastify', () => {
  it('answer and store what the routes answer and store through Nest', async () => {
    const take = jest.spyOn(IngestLane.prototype as unknown as { take: () => boolean }, 'take');
    const laned = await startTestApp(ENV);
    let fast: Awaited<ReturnType<typeof answers>>;
    try {
      fast = await answers(laned);
    } finally {
      await laned.close();
    }
    const taken = take.mock.results.filter((r) => r.value === true).length;
    take.mockRestore();
    // Every plain JSON POST with the ingest key (valid or not) went the lane's way; the others went to fastify.
    expect(taken).toBeGreaterThanOrEqual(3 * (MUTATIONS.length + 6));
    const viaNest = await startTestApp(ENV, { ingestLane: false });
    let nest: Awaited<ReturnType<typeof answers>>;
    try {
      nest = await answers(viaNest);
    } finally {
      await viaNest.close();
    }
    expect(fast.answers).toEqual(nest.answers);
    expect(fast.head).toEqual(nest.head);
    expect(fast.counted.sort()).toEqual(nest.counted.sort());
    expect(fast.counted.some((line) => line.includes('route="/v1/events",status="202"'))).toBe(true);
    expect(new Set(fast.answers.map((a) => a.status))).toEqual(new Set([202, 400, 401, 403, 404, 405, 413, 415, 422]));
  }, 60_000);
});
