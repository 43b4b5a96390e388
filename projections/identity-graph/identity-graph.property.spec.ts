import type { IdentityKey, IdentityNode, IdentitySettings, LinkState } from '../model';
import { applyItem, applyItems, foldItems } from './apply-item';
import type { GraphItem, ItemOutcome } from './graph-item';
import { createGraphState, type GraphState } from './graph-state';
import { loadGraphScope, type GraphScopeReader } from './load-scope';
import { componentsOf } from './node-ops';
import { holdsUniqueTwice, mulberry32, randomItems, randomRejections, randomSettings } from './random-log.fixture';

/**
 * Random logs over small value pools (so graphs collide, conflict and hit the cap often), under random settings:
 * the fold keeps its invariants, and a projector that loads only the scope the load helpers name decides exactly
 * what the whole in-memory graph decides.
 */
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const ITEMS_PER_SEED = 1250;

describe('identity graph properties', () => {
  it.each(SEEDS)('seed %i: invariants hold and partial loads decide as the whole graph', async (seed) => {
    const rnd = mulberry32(seed);
    const settings = randomSettings(rnd);
    const items = randomItems(rnd, settings, ITEMS_PER_SEED);
    const rejected = randomRejections(rnd, items);

    const full = createGraphState();
    const problems: string[] = [];
    const outcomes = items.map((item) => {
      const outcome = applyItem(full, settings, item, rejected);
      if ((outcome.status === 'rejected') !== holdsUniqueTwice(settings, item)) problems.push(`${item.itemId}: rule 1`);
      problems.push(...graphProblems(full, settings, outcome.graphsAfter));
      return outcome;
    });
    problems.push(...wholeStateProblems(full, settings));
    expect(problems).toEqual([]);

    expect(records(foldItems(settings, items, rejected))).toEqual(records(full));
    const perItem = await replayWithPartialLoads(settings, items, rejected, () => 1);
    expect(perItem.outcomes).toEqual(outcomes);
    expect(perItem.store.records()).toEqual(records(full));
    const batched = await replayWithPartialLoads(settings, items, rejected, () => 1 + Math.floor(rnd() * 25));
    expect(batched.outcomes).toEqual(outcomes);
    expect(batched.store.records()).toEqual(records(full));
  });
});

async function replayWithPartialLoads(
  settings: IdentitySettings,
  items: GraphItem[],
  rejected: ReadonlySet<string>,
  batchSize: () => number,
): Promise<{ outcomes: ItemOutcome[]; store: MemoryGraphStore }> {
  const store = new MemoryGraphStore();
  const outcomes: ItemOutcome[] = [];
  for (let at = 0; at < items.length; ) {
    const batch = items.slice(at, at + batchSize());
    at += batch.length;
    const state = await loadGraphScope(batch, store);
    const batchOutcomes = applyItems(state, settings, batch, rejected);
    for (const outcome of batchOutcomes) store.write(state, outcome);
    outcomes.push(...batchOutcomes);
  }
  return { outcomes, store };
}

/** A read store as the projector has one: it hands out copies and only what it is asked for. */
class MemoryGraphStore implements GraphScopeReader {
  private readonly nodes = new Map<IdentityKey, IdentityNode>();
  private readonly links = new Map<string, LinkState>();
  private readonly linksByNode = new Map<IdentityKey, Set<string>>();

  nodesByKeys(keys: IdentityKey[]): IdentityNode[] {
    return keys.flatMap((key) => (this.nodes.has(key) ? [structuredClone(this.nodes.get(key)!)] : []));
  }

  nodesByGraphIds(graphIds: IdentityKey[]): IdentityNode[] {
    const wanted = new Set(graphIds);
    return [...this.nodes.values()].filter((n) => wanted.has(n.graphId)).map((n) => structuredClone(n));
  }

  linksAmong(keys: IdentityKey[]): LinkState[] {
    const wanted = new Set(keys);
    const found = new Set<string>();
    for (const key of keys) {
      for (const lk of this.linksByNode.get(key) ?? []) {
        const link = this.links.get(lk)!;
        if (wanted.has(link.a) && wanted.has(link.b)) found.add(lk);
      }
    }
    return [...found].map((lk) => structuredClone(this.links.get(lk)!));
  }

  /** Writes exactly what the outcome names as touched. */
  write(state: GraphState, outcome: ItemOutcome): void {
    for (const key of outcome.touchedNodes) this.nodes.set(key, structuredClone(state.nodes.get(key)!));
    for (const key of outcome.touchedLinks) {
      const link = structuredClone(state.links.get(key)!);
      this.links.set(key, link);
      for (const end of [link.a, link.b]) {
        if (!this.linksByNode.has(end)) this.linksByNode.set(end, new Set());
        this.linksByNode.get(end)!.add(key);
      }
    }
  }

  records(): { nodes: IdentityNode[]; links: LinkState[] } {
    return sortedRecords(this.nodes.values(), this.links.values());
  }
}

function records(state: GraphState) {
  return sortedRecords(state.nodes.values(), state.links.values());
}

function sortedRecords(nodes: Iterable<IdentityNode>, links: Iterable<LinkState>) {
  const byKey = (x: { key: string }, y: { key: string }) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
  return { nodes: [...nodes].sort(byKey), links: [...links].sort(byKey) };
}

function graphProblems(state: GraphState, settings: IdentitySettings, graphIds: Iterable<IdentityKey>): string[] {
  const unique = new Set(settings.namespaces.filter((n) => n.unique).map((n) => n.code));
  const problems: string[] = [];
  for (const graphId of graphIds) {
    const members = [...state.members.get(graphId)!];
    if (members.length > settings.graphCap) problems.push(`${graphId} holds ${members.length} identities`);
    const uniqueNodes = members.map((k) => state.nodes.get(k)!).filter((n) => unique.has(n.namespace));
    if (new Set(uniqueNodes.map((n) => n.namespace)).size !== uniqueNodes.length) {
      problems.push(`${graphId} holds a unique namespace twice`);
    }
  }
  return problems;
}

/** Every graph is one connected component over active links, named by its smallest key. */
function wholeStateProblems(state: GraphState, settings: IdentitySettings): string[] {
  const problems = graphProblems(state, settings, state.members.keys());
  for (const [graphId, members] of state.members) {
    if (componentsOf(state, members).length !== 1) problems.push(`${graphId} is not connected`);
    if ([...members].sort()[0] !== graphId) problems.push(`${graphId} is not named by its smallest key`);
  }
  for (const link of state.links.values()) {
    const sameGraph = state.nodes.get(link.a)!.graphId === state.nodes.get(link.b)!.graphId;
    if (link.status === 'active' && !sameGraph) problems.push(`${link.key} is active across graphs`);
    if (link.status === 'removed' && link.removedBy === undefined) problems.push(`${link.key} has no remover`);
  }
  return problems;
}
