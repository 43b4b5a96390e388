import {
  identityKey,
  linkKey,
  type IdentityKey,
  type IdentityNode,
  type IdentitySettings,
  type LinkState,
  type NamespaceType,
} from '../model';
import { applyItem, applyItems, foldItems } from './apply-item';
import type { GraphItem, ItemOutcome } from './graph-item';
import { createGraphState, type GraphState } from './graph-state';
import { loadGraphScope, type GraphScopeReader } from './load-scope';
import { componentsOf } from './node-ops';

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

function holdsUniqueTwice(settings: IdentitySettings, item: GraphItem): boolean {
  const unique = new Set(settings.namespaces.filter((n) => n.unique).map((n) => n.code));
  const values = new Map<string, Set<string>>();
  for (const { namespace, id } of [...item.identities, ...(item.unlinked ?? [])]) {
    if (unique.has(namespace)) values.set(namespace, (values.get(namespace) ?? new Set()).add(id));
  }
  return [...values.values()].some((v) => v.size > 1);
}

const POOL: [string, NamespaceType][] = [
  ['P1', 'person'],
  ['P2', 'person'],
  ['Em', 'email'],
  ['Ph', 'phone'],
  ['D1', 'device'],
  ['D2', 'device'],
  ['Ck', 'cookie'],
  ['Pa', 'partner'],
];

function randomSettings(rnd: () => number): IdentitySettings {
  const order = [...POOL].sort(() => rnd() - 0.5);
  const capable = new Set<NamespaceType>(['person', 'email', 'phone']);
  return {
    namespaces: order.map(([code, type]) => ({ code, type, unique: capable.has(type) && rnd() < 0.5 })),
    graphCap: [5, 6, 8, 50][Math.floor(rnd() * 4)],
  };
}

function randomItems(rnd: () => number, settings: IdentitySettings, count: number): GraphItem[] {
  const values = 15 + Math.floor(rnd() * 40);
  const items: GraphItem[] = [];
  for (let i = 0; i < count; i++) {
    const size = rnd() < 0.1 ? 1 : 2 + Math.floor(rnd() * (rnd() < 0.1 ? 5 : 2));
    const identities = Array.from({ length: size }, () => {
      const ns = settings.namespaces[Math.floor(rnd() * settings.namespaces.length)];
      return { namespace: ns.code, id: `v${Math.floor(rnd() * values)}` };
    });
    const unlinked = rnd() < 0.08 ? [identities[0]] : undefined;
    const jitter = rnd() < 0.15 ? Math.floor(rnd() * 20) : 0;
    const timestamp = rnd() < 0.1 && i > 0 ? items[i - 1].timestamp : 1000 + i - jitter;
    items.push({ itemId: `i${i}`, source: `s${Math.floor(rnd() * 3)}`, timestamp, identities, unlinked });
  }
  return items;
}

function randomRejections(rnd: () => number, items: GraphItem[]): Set<string> {
  const rejected = new Set<string>();
  for (let n = 0; n < 4; n++) {
    const item = items[Math.floor(rnd() * items.length)];
    if (item.identities.length >= 2) rejected.add(linkKey(identityKey(item.identities[0]), identityKey(item.identities[1])));
  }
  return rejected;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
