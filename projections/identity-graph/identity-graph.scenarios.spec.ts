import { canonicalGraphs, given, loadScenarioFile, settingsOf } from './given.fixture';
import { simulate } from './simulate';

const file = loadScenarioFile();

describe('identity linking scenarios (test/fixtures/identity-linking.json)', () => {
  it('holds scenarios to run', () => {
    expect(file.scenarios.length).toBeGreaterThan(10);
  });

  describe.each(file.scenarios.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
    const rows = file.configs[scenario.config];
    const lines = [...(scenario.base ? file.bases[scenario.base] : []), ...scenario.events];

    it('through the fold', () => {
      expect(given(settingsOf(rows), ...lines).graphs()).toEqual(canonicalGraphs(scenario.expect));
    });

    it('through the simulator', () => {
      const namespaces = rows.map(([code, type, unique]) => ({ code, type, unique }));
      const result = simulate({ namespaces, events: lines });
      const graphs = result.graphs.map((g) => g.identities.map((i) => `${i.namespace}:${i.id}`));
      expect(result.rejected).toEqual([]);
      expect(canonicalGraphs(graphs)).toEqual(canonicalGraphs(scenario.expect));
    });
  });
});
