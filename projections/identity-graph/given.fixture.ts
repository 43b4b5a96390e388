import { DEFAULT_GRAPH_CAP, type IdentitySettings, type NamespaceType } from '../model';
import { applyItem } from './apply-item';
import { components } from './components';
import type { GraphItem, ItemOutcome } from './graph-item';
import { createGraphState, type GraphState } from './graph-state';
import { parseEventLine } from './simulate-input';

/**
 * Given/when/then for identity-graph specs: `given(settings, ...lines).when(line).graphs()`. Line i (counted from
 * 1 across given and when) has time i, like the scenario file. Shared by the specs; no test runner inside so it
 * compiles anywhere.
 */
export type NamespaceRow = [code: string, type: NamespaceType, unique: boolean];

export function settingsOf(rows: NamespaceRow[], graphCap = DEFAULT_GRAPH_CAP): IdentitySettings {
  return { namespaces: rows.map(([code, type, unique]) => ({ code, type, unique })), graphCap };
}

export function lineItem(line: string, time: number): GraphItem {
  const parsed = parseEventLine(line);
  if (typeof parsed === 'string') throw new Error(`bad fixture line "${line}": ${parsed}`);
  return { itemId: `item-${time}`, source: 'spec', timestamp: time, identities: parsed.identities };
}

export class GraphStory {
  readonly state: GraphState = createGraphState();
  readonly outcomes: ItemOutcome[] = [];

  constructor(
    readonly settings: IdentitySettings,
    readonly rejected: ReadonlySet<string> = new Set(),
  ) {}

  when(...lines: string[]): this {
    for (const line of lines) {
      const item = lineItem(line, this.outcomes.length + 1);
      this.outcomes.push(applyItem(this.state, this.settings, item, this.rejected));
    }
    return this;
  }

  /** The last item's outcome. */
  get outcome(): ItemOutcome {
    return this.outcomes[this.outcomes.length - 1];
  }

  /** Every graph with two or more identities, as sorted key lists, sorted: compare with canonicalGraphs(expected). */
  graphs(): string[][] {
    return canonicalGraphs(components(this.state, 2).map((g) => g.identities));
  }

  graphOf(key: string): string[] {
    const node = this.state.nodes.get(key);
    if (!node) return [];
    return [...this.state.members.get(node.graphId)!].sort();
  }
}

export function given(settings: IdentitySettings, ...lines: string[]): GraphStory {
  return new GraphStory(settings).when(...lines);
}

export function canonicalGraphs(graphs: string[][]): string[][] {
  return graphs.map((g) => [...g].sort()).sort((x, y) => (x.join('\n') < y.join('\n') ? -1 : 1));
}

export interface ScenarioFile {
  configs: Record<string, NamespaceRow[]>;
  bases: Record<string, string[]>;
  scenarios: { id: string; config: string; base?: string; events: string[]; expect: string[][] }[];
}

/** The public identity scenarios, kept in the repository (test/fixtures/) so a fresh clone runs them. */
export function loadScenarioFile(): ScenarioFile {
  // A runtime require keeps the fixture free of file-system imports (the pure core's boundary rule).
  return require('../../test/fixtures/identity-linking.json') as ScenarioFile;
}
