import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import { ProfileReadLane } from '../../src/profiles/profile-read-lane';
import { startTestApp, type TestApp } from './tessera-app';

/**
 * The profile GETs run by fastify without Nest's pipeline (src/profiles/profile-read-routes.ts), and the by-path GET
 * answered before fastify (profile-read-lane.ts), answer exactly what
 * the routes answer through Nest: status, headers and body, for reads, refusals of the query, the API key checks
 * and unknown identities. The same requests go to the service twice over one DATA_DIR: with the fast routes, then
 * with `profileReadRoutes: false`.
 */
const KEYS = { API_KEYS: 'reader-key=read;ingest-key=ingest' };

const requests: Array<[path: string, key?: string]> = [];
const read = (path: string, key: string | undefined = 'reader-key') => requests.push([path, key]);
for (const base of ['/v1/profiles/CRMID/c-1', '/v1/profiles/lookup?namespace=CRMID&id=c-1']) {
  const q = (query: string) => `${base}${base.includes('?') ? '&' : '?'}${query}`;
  read(base);
  read(base, undefined);
  read(base, 'wrong-key');
  read(base, 'ingest-key');
  for (const query of ['mergePolicy=crm-first', 'mergePolicy=missing', 'minPosition=1', 'minPosition=garbage', 'minPosition=1&minPosition=2',
    'asOf=2020-01-01T00:00:00Z', 'asOf=yesterday', 'unknownParameter=1', 'mergePolicy=' + 'x'.repeat(65)]) read(q(query));
}
read('/v1/profiles/CRMID/nobody');
read('/v1/profiles/Nope/x');
read('/v1/profiles/Email/%20ADA%40example.com%20');
read(`/v1/profiles/CRMID/${'x'.repeat(4097)}`);
// The lane (profile-read-lane.ts) decodes path segments as find-my-way does, or leaves them to fastify.
for (const path of ['/v1/profiles/Email/ada%40example.com', '/v1/profiles/Email/ada@example.com', '/v1/profiles/CRMID/c%2D1', '/v1/profiles/CRMID/c%2F1',
  '/v1/profiles/CRMID/%25', '/v1/profiles/CRMID/%E2%82%AC', '/v1/profiles/CRMID/c-1/', '/v1/profiles//c-1', '/v1/profiles/lookup/c-1', '/v1/profiles/CRM%49D/c-1']) read(path);
read('/v1/profiles/lookup?namespace=CRMID');
read('/v1/profiles/lookup?id=c-1');
read('/v1/profiles/lookup?namespace=&id=c-1');
read('/v1/profiles/lookup?namespace=CRMID&id=');
read('/v1/profiles/lookup?namespace=CRMID&id=%ff');

interface Answer {
  request: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function answers(app: TestApp): Promise<Answer[]> {
  const out: Answer[] = [];
  for (const [path, key] of requests) {
    const res = await fetch(`${app.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    const headers = Object.fromEntries([...res.headers].filter(([name]) => name !== 'date'));
    out.push({ request: `${path} (${key ?? 'no key'})`, status: res.status, headers, body: await res.text() });
  }
  return out;
}

describe('profile GETs without Nest’s pipeline', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-read-routes-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answer what the routes answer through Nest, and do not go through the QueryBus', async () => {
    const first = await startTestApp({ ...KEYS, DATA_DIR: dir });
    let fast: Answer[];
    const bus = jest.spyOn(QueryBus.prototype, 'execute');
    try {
      const record = { source: 'crm', timestamp: '2026-01-01T00:00:00Z', identities: [{ namespace: 'CRMID', id: 'c-1' }, { namespace: 'Email', id: 'ada@example.com' }], attributes: { name: 'Ada' } };
      const ack = await first.post('/v1/records', record, { key: 'ingest-key' });
      expect(ack.status).toBe(202);
      const seen = await fetch(`${first.url}/v1/profiles/CRMID/c-1?minPosition=${ack.body.position}`, { headers: { authorization: 'Bearer reader-key' } });
      expect(seen.status).toBe(200);
      bus.mockClear();
      const lane = jest.spyOn(ProfileReadLane.prototype as unknown as { take: () => boolean }, 'take');
      fast = await answers(first);
      // The lane answered the plain reads itself (and left the rest to fastify).
      expect(lane.mock.results.filter((r) => r.value === true).length).toBeGreaterThanOrEqual(4);
      lane.mockRestore();
      // Only reads the stored document cannot answer (asOf, another merge policy) may use the bus, never the route.
      const viaBus = bus.mock.calls.filter(([query]) => query?.constructor?.name === 'GetProfileJsonQuery');
      expect(viaBus).toEqual([]);
    } finally {
      await first.close();
    }
    const viaNest = await startTestApp({ ...KEYS, DATA_DIR: dir }, { profileReadRoutes: false });
    try {
      bus.mockClear();
      const nest = await answers(viaNest);
      expect(bus.mock.calls.some(([query]) => query?.constructor?.name === 'GetProfileJsonQuery')).toBe(true);
      expect(fast).toEqual(nest);
      expect(new Set(fast.map((a) => a.status))).toEqual(new Set([200, 400, 401, 403, 404, 414]));
    } finally {
      bus.mockRestore();
      await viaNest.close();
    }
  }, 60_000);
});
