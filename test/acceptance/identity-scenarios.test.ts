import { canonicalGraphs, loadScenarioFile, type ScenarioFile } from '../../projections/identity-graph/given.fixture';
import { startTestApp, type TestApp } from '../e2e/tessera-app';

/**
 * The public identity scenarios (test/fixtures/identity-linking.json), run twice against the real service:
 * through the simulator endpoint, and through real ingestion (settings via PUT, items via POST, graphs via GET).
 */
const file: ScenarioFile = loadScenarioFile();
type Scenario = ScenarioFile['scenarios'][number];

const namespacesOf = (s: Scenario) => file.configs[s.config].map(([code, type, unique]) => ({ code, type, unique }));
const linesOf = (s: Scenario) => [...(s.base ? file.bases[s.base] : []), ...s.events];
const split = (key: string) => ({ namespace: key.slice(0, key.indexOf(':')), id: key.slice(key.indexOf(':') + 1) });
const keyOf = (i: { namespace: string; id: string }) => `${i.namespace}:${i.id}`;
const identitiesOf = (line: string) => line.split(',').map((part) => split(part.replace(/\s*:\s*/, ':').trim()));

describe('public identity scenarios through the simulator endpoint', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it.each(file.scenarios.map((s) => [s.id, s] as const))('%s', async (_id, scenario) => {
    const reply = await app.post('/v1/identity/simulate', { namespaces: namespacesOf(scenario), events: linesOf(scenario) });
    expect(reply.status).toBe(200);
    const graphs = reply.body.graphs.map((g: { identities: { namespace: string; id: string }[] }) => g.identities.map(keyOf));
    expect(canonicalGraphs(graphs)).toEqual(canonicalGraphs(scenario.expect));
    expect(reply.body.rejected).toEqual([]);
  });
});

describe('public identity scenarios through ingestion and the graph read model', () => {
  it.each(file.scenarios.map((s) => [s.id, s] as const))('%s', async (_id, scenario) => {
    const app = await startTestApp();
    try {
      expect((await app.call('PUT', '/v1/identity/settings', { body: { namespaces: namespacesOf(scenario) } })).status).toBe(200);
      let position = '';
      for (const [n, line] of linesOf(scenario).entries()) {
        const identities = identitiesOf(line);
        const timestamp = new Date(Date.UTC(2026, 0, 1) + (n + 1) * 1000).toISOString();
        const reply =
          identities.length > 1
            ? await app.post('/v1/links', { source: 'scenario', timestamp, identities })
            : await app.post('/v1/events', { id: `e${n}`, source: 'scenario', type: 'seen', timestamp, identities });
        expect(reply.status).toBe(202);
        position = reply.body.position;
      }
      const everyone = new Set(linesOf(scenario).flatMap((line) => identitiesOf(line).map(keyOf)));
      const seen: string[][] = [];
      for (const key of everyone) {
        const { namespace, id } = split(key);
        const graph = await app.call('GET', `/v1/profiles/${namespace}/${encodeURIComponent(id)}/graph?minPosition=${position}`);
        expect(graph.status).toBe(200);
        const members = graph.body.identities.map(keyOf).sort();
        if (members.length > 1 && !seen.some((g) => g.join() === members.join())) seen.push(members);
      }
      expect(canonicalGraphs(seen)).toEqual(canonicalGraphs(scenario.expect));
    } finally {
      await app.close();
    }
  });
});
