import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from './tessera-app';
import { readAfterLog } from './segment-support';

/** The README's Segment section, run as written against the real service, so it cannot drift from the code. */
const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Segment\n'), readme.indexOf('\n## ', readme.indexOf('## Segment\n') + 1));
const writeKeys = /SEGMENT_WRITE_KEYS='([^']+)' npm start/.exec(section)![1];
// The browser snippet needs a browser (and @segment/analytics-next); the Node ones run here.
const nodeSnippets = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((code) => code.includes('require('));
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ SEGMENT_WRITE_KEYS: writeKeys });
});
afterAll(() => app.close());

it('the Segment section shows @segment/analytics-node and @rudderstack/rudder-sdk-node', () => {
  expect(nodeSnippets.map((code) => /require\('([^']+)'\)/.exec(code)![1])).toEqual(['@segment/analytics-node', '@rudderstack/rudder-sdk-node']);
});

it('its snippets, pointed at the service, give the profile the README describes', async () => {
  for (const code of nodeSnippets) await new AsyncFunction('require', code.replaceAll('http://127.0.0.1:8080', app.url))(require);
  const profile = await readAfterLog(app, '/v1/profiles/CRMID/42');
  expect(profile.attributes).toEqual({ email: 'Tom@Acme.com', plan: 'pro' });
  expect(profile.sources).toEqual(['backend']);
  const keys = profile.identities.map((i: { namespace: string; id: string }) => `${i.namespace}:${i.id}`).sort();
  expect(keys).toEqual(['CRMID:42', 'ECID:a-110', 'ECID:a-111', 'Email:tom@acme.com']);
  const events = await app.getOk('/v1/profiles/CRMID/42/events');
  expect(events.items.map((e: { type: string; source: string }) => [e.type, e.source]).sort()).toEqual([['Invoice Paid', 'billing'], ['Order Completed', 'backend']]);
});
