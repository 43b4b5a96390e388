import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from './tessera-app';

/** The README's curl examples, run against the real service, so the README cannot drift from the code. */
interface CurlExample {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

function curlExamples(markdown: string): CurlExample[] {
  const blocks = [...markdown.matchAll(/```sh\n(curl [^\n]+)\n```/g)].map((m) => m[1]);
  return blocks.map((line) => {
    const url = /(http:\/\/127\.0\.0\.1:8080)(\/[^\s']*)/.exec(line)!;
    const headers = Object.fromEntries(
      [...line.matchAll(/-H '([^:]+): ([^']+)'/g)].map((m) => [m[1].toLowerCase(), m[2]]),
    );
    const plain = / -d '([^']*)'/.exec(line)?.[1];
    const ansi = / --data-binary \$'((?:[^'\\]|\\.)*)'/.exec(line)?.[1]?.replace(/\\n/g, '\n');
    return { method: /-X (\w+)/.exec(line)?.[1] ?? 'GET', path: url[2], headers, body: plain ?? ansi ?? '' };
  });
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const examples = curlExamples(readFileSync(join(__dirname, '../../README.md'), 'utf8'));

const writes = examples.filter((e) => e.method !== 'GET');
const reads = examples.filter((e) => e.method === 'GET');

it('the README holds curl examples for records, events and batches, then reads of what they stored', () => {
  expect(writes.map((e) => e.path)).toEqual(['/v1/records', '/v1/events', '/v1/ingest']);
  expect(reads.map((e) => e.path)).toEqual(['/v1/profiles/Email/tom%40acme.com', '/v1/profiles/CRMID/42/graph']);
});

it.each(writes.map((e) => [e.path, e] as const))('README example %s is accepted', async (_, example) => {
  const res = await fetch(`${app.url}${example.path}`, { method: example.method, headers: example.headers, body: example.body });
  const body = (await res.json()) as { results?: Array<{ status: number }> };
  expect([202, 207]).toContain(res.status);
  for (const item of body.results ?? []) expect(item.status).toBe(202);
});

it.each(reads.map((e) => [e.path, e] as const))('README example %s finds what the examples stored', async (_, example) => {
  // The reads carry no minPosition (a reader of the README has none to give): wait for the projector instead.
  const read = () => fetch(`${app.url}${example.path}`, { headers: example.headers });
  let res = await read();
  for (let tries = 0; res.status === 404 && tries < 500; tries++) {
    await new Promise((resolve) => setImmediate(resolve));
    res = await read();
  }
  expect(res.status).toBe(200);
  const body = (await res.json()) as { identities: Array<{ namespace: string; id: string }> };
  expect(body.identities).toEqual(expect.arrayContaining([expect.objectContaining({ namespace: 'Email', id: 'tom@acme.com' })]));
});
