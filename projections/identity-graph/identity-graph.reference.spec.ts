import { identityKey, linkKey, type IdentityKey, type IdentitySettings } from '../model';
import { applyItem } from './apply-item';
import type { GraphItem, ItemOutcome } from './graph-item';
import { createGraphState, type GraphState } from './graph-state';
import { mulberry32, randomItems, randomRejections, randomSettings } from './random-log.fixture';

/**
 * The fold against a deliberately naive reading of DESIGN.md steps 1-5: no indexes, graphs recomputed over the whole
 * graph every time, the cap checked on every graph. Same decisions, item by item, including the merges and splits
 * the outcome reports.
 */
describe('identity graph against a naive reference', () => {
  it.each([11, 12, 13, 14])('seed %i: same graphs, same link decisions, same merges and splits', (seed) => {
    const rnd = mulberry32(seed);
    const settings = randomSettings(rnd);
    const items = randomItems(rnd, settings, 700);
    const rejected = randomRejections(rnd, items);
    const reference = new ReferenceGraph(settings, rejected);
    const state = createGraphState();
    const mismatches: string[] = [];
    for (const item of items) {
      const before = reference.graphIds();
      const outcome = applyItem(state, settings, item, rejected);
      reference.apply(item);
      mismatches.push(...compare(item, state, reference, outcome, before));
      if (mismatches.length > 0) break;
    }
    expect(mismatches).toEqual([]);
  });
});

function compare(
  item: GraphItem,
  state: GraphState,
  reference: ReferenceGraph,
  outcome: ItemOutcome,
  before: Map<IdentityKey, IdentityKey>,
): string[] {
  const after = reference.graphIds();
  const problems: string[] = [];
  for (const [key, graphId] of after) {
    if (state.nodes.get(key)?.graphId !== graphId) problems.push(`${item.itemId}: ${key} in ${graphId}`);
  }
  for (const [key, link] of reference.links) {
    const real = state.links.get(key);
    const same = real && (real.status === 'active') === link.active && real.removedBy === link.removedBy;
    if (!same || real.reason !== link.reason) problems.push(`${item.itemId}: link ${key} differs`);
  }
  if (state.links.size !== reference.links.size) problems.push(`${item.itemId}: link count`);
  const expected = expectedRegroupings(item, before, after);
  const actual = { merges: outcome.merges, splits: outcome.splits };
  if (JSON.stringify(expected) !== JSON.stringify(actual)) problems.push(`${item.itemId}: merges/splits`);
  return problems;
}

/** Merges and splits computed from whole-graph snapshots before and after the item. */
function expectedRegroupings(item: GraphItem, before: Map<IdentityKey, IdentityKey>, after: Map<IdentityKey, IdentityKey>) {
  const itemGraphs = new Set(
    [...item.identities, ...(item.unlinked ?? [])].map(identityKey).flatMap((k) => (before.has(k) ? [before.get(k)!] : [])),
  );
  const scope = [...before].filter(([, graphId]) => itemGraphs.has(graphId)).map(([key]) => key);
  const group = (from: Map<IdentityKey, IdentityKey>, to: Map<IdentityKey, IdentityKey>) => {
    const sources = new Map<IdentityKey, Set<IdentityKey>>();
    for (const key of scope) sources.set(to.get(key)!, (sources.get(to.get(key)!) ?? new Set()).add(from.get(key)!));
    return [...sources]
      .filter(([, set]) => set.size > 1)
      .map(([graphId, set]) => [graphId, [...set].sort()] as const)
      .sort(([x], [y]) => (x < y ? -1 : 1));
  };
  return {
    merges: group(before, after).map(([graphId, from]) => ({ graphId, from })),
    splits: group(after, before).map(([graphId, into]) => ({ graphId, into })),
  };
}

interface RefLink {
  a: IdentityKey;
  b: IdentityKey;
  lastSeen: number;
  active: boolean;
  removedBy?: string;
  reason?: string;
}

class ReferenceGraph {
  readonly nodes = new Map<IdentityKey, { namespace: string; id: string; firstSeen: number }>();
  readonly links = new Map<string, RefLink>();
  private readonly rank = new Map<string, number>();
  private readonly type = new Map<string, string>();
  private readonly unique = new Set<string>();

  constructor(
    private readonly settings: IdentitySettings,
    private readonly rejected: ReadonlySet<string>,
  ) {
    settings.namespaces.forEach((n, i) => {
      this.rank.set(n.code, i + 1);
      this.type.set(n.code, n.type);
      if (n.unique) this.unique.add(n.code);
    });
  }

  apply(item: GraphItem): void {
    const all = new Map([...item.identities, ...(item.unlinked ?? [])].map((i) => [identityKey(i), i]));
    if (this.uniqueTwice([...all.keys()], (k) => all.get(k)!)) return;
    for (const [key, identity] of all) {
      const node = this.nodes.get(key);
      if (node) node.firstSeen = Math.min(node.firstSeen, item.timestamp);
      else this.nodes.set(key, { ...identity, firstSeen: item.timestamp });
    }
    const unlinked = new Set((item.unlinked ?? []).map(identityKey));
    const linked = [...all.keys()].filter((k) => !unlinked.has(k));
    const own = linked.flatMap((x, i) => linked.slice(i + 1).map((y) => linkKey(x, y))).filter((k) => !this.rejected.has(k));
    for (const key of own) this.observe(key, item.timestamp);
    if (own.length === 0) return;
    const graphs = this.graphIds();
    const affected = [...graphs.keys()].filter((k) => linked.concat([...all.keys()]).some((i) => graphs.get(i) === graphs.get(k)));
    const wasActive = own.map((k) => this.links.get(k)!.active);
    own.forEach((k) => (this.links.get(k)!.active = true));
    const tried = this.graphIds();
    const joinedGraphs = new Set(linked.map((k) => tried.get(k)!));
    const conflict = [...joinedGraphs].some((g) =>
      this.uniqueTwice([...tried.keys()].filter((k) => tried.get(k) === g), (k) => this.nodes.get(k)!),
    );
    own.forEach((k, i) => (this.links.get(k)!.active = wasActive[i]));
    if (!conflict) own.forEach((k) => this.setActive(k, true, item));
    else this.rebuild(new Set(affected), own, item);
    this.enforceCap(item);
  }

  /** Every identity's graph: the smallest key of its component over active links, found by flooding. */
  graphIds(): Map<IdentityKey, IdentityKey> {
    const adjacent = new Map<IdentityKey, IdentityKey[]>([...this.nodes.keys()].map((k) => [k, []]));
    for (const link of this.links.values()) {
      if (!link.active) continue;
      adjacent.get(link.a)!.push(link.b);
      adjacent.get(link.b)!.push(link.a);
    }
    const graphOf = new Map<IdentityKey, IdentityKey>();
    for (const start of adjacent.keys()) {
      if (graphOf.has(start)) continue;
      const component = [start];
      graphOf.set(start, start);
      for (let i = 0; i < component.length; i++) {
        for (const next of adjacent.get(component[i])!) {
          if (!graphOf.has(next)) (graphOf.set(next, start), component.push(next));
        }
      }
      const smallest = component.reduce((x, y) => (y < x ? y : x));
      for (const key of component) graphOf.set(key, smallest);
    }
    return graphOf;
  }

  private rebuild(affected: Set<IdentityKey>, own: string[], item: GraphItem): void {
    const group = new Map([...affected].map((k) => [k, new Set([k])]));
    const join = (a: IdentityKey, b: IdentityKey) => {
      const [x, y] = [group.get(a)!, group.get(b)!];
      if (x === y) return true;
      if (this.uniqueTwice([...x, ...y], (k) => this.nodes.get(k)!)) return false;
      for (const k of y) (x.add(k), group.set(k, x));
      return true;
    };
    for (const key of own) (join(...this.ends(key)), this.setActive(key, true, item));
    const rankSum = (l: RefLink) => this.rank.get(this.nodes.get(l.a)!.namespace)! + this.rank.get(this.nodes.get(l.b)!.namespace)!;
    const candidates = [...this.links]
      .filter(([key, l]) => !own.includes(key) && affected.has(l.a) && affected.has(l.b))
      .sort(([, x], [, y]) => rankSum(x) - rankSum(y) || y.lastSeen - x.lastSeen || (x.a + ' ' + x.b < y.a + ' ' + y.b ? -1 : 1));
    for (const [key, link] of candidates) {
      if (this.rejected.has(key)) this.setActive(key, false, item, 'LINK_REJECTED');
      else if (join(link.a, link.b)) this.setActive(key, true, item);
      else this.setActive(key, false, item, 'UNIQUE_NAMESPACE_CONFLICT');
    }
  }

  private enforceCap(item: GraphItem): void {
    for (;;) {
      const graphs = this.graphIds();
      const sizes = new Map<IdentityKey, IdentityKey[]>();
      for (const [key, graphId] of graphs) sizes.set(graphId, [...(sizes.get(graphId) ?? []), key]);
      const over = [...sizes.values()].find((members) => members.length > this.settings.graphCap);
      if (!over) return;
      const order = (k: IdentityKey) => {
        const node = this.nodes.get(k)!;
        const type = this.type.get(node.namespace);
        return [type === 'cookie' ? 0 : type === 'device' ? 1 : 2, node.firstSeen] as const;
      };
      const victim = over.sort((x, y) => order(x)[0] - order(y)[0] || order(x)[1] - order(y)[1] || (x < y ? -1 : 1))[0];
      for (const [key, link] of this.links) {
        if (link.active && (link.a === victim || link.b === victim)) this.setActive(key, false, item, 'GRAPH_CAP');
      }
    }
  }

  private observe(key: string, time: number): void {
    const link = this.links.get(key);
    if (link) link.lastSeen = Math.max(link.lastSeen, time);
    else this.links.set(key, { a: this.ends(key)[0], b: this.ends(key)[1], lastSeen: time, active: false });
  }

  private setActive(key: string, active: boolean, item: GraphItem, reason?: string): void {
    const link = this.links.get(key)!;
    if (link.active === active && (active || link.removedBy !== undefined)) return;
    link.active = active;
    link.removedBy = active ? undefined : item.itemId;
    link.reason = active ? undefined : reason;
  }

  private ends(key: string): [IdentityKey, IdentityKey] {
    const [a, b] = key.split('|');
    return [a, b];
  }

  private uniqueTwice(keys: IdentityKey[], of: (k: IdentityKey) => { namespace: string; id: string }): boolean {
    const seen = new Map<string, string>();
    for (const key of keys) {
      const { namespace, id } = of(key);
      if (!this.unique.has(namespace)) continue;
      if (seen.has(namespace) && seen.get(namespace) !== id) return true;
      seen.set(namespace, id);
    }
    return false;
  }
}
