import type { IdentityKey, IdentityNode, LinkState } from '../model';

/**
 * The identity graph in memory: the plain records of projections/model plus the indexes that let one item touch
 * only its own graphs. A state may hold the whole graph (simulator, rebuild) or only the part the projector loaded
 * for a batch (see load-scope.ts); the fold cannot tell the difference.
 *
 * The fold mutates the state and the records in it in place, for speed: a caller that must keep its records
 * untouched passes copies.
 */
export interface GraphState {
  readonly nodes: Map<IdentityKey, IdentityNode>;
  readonly links: Map<string, LinkState>;
  /**
   * Every link, active or removed, by each of its ends. Arrays, not sets: most identities have one or two links and
   * a million small sets cost more memory (and collector time) than the graph itself. Links are never deleted.
   */
  readonly linksByNode: Map<IdentityKey, string[]>;
  /** Active links only, by each end: components and evictions walk these. At most one per other graph member. */
  readonly activeByNode: Map<IdentityKey, string[]>;
  /** The identities of each graph, by graphId. */
  readonly members: Map<IdentityKey, Set<IdentityKey>>;
}

export function createGraphState(nodes: Iterable<IdentityNode> = [], links: Iterable<LinkState> = []): GraphState {
  const state: GraphState = {
    nodes: new Map(),
    links: new Map(),
    linksByNode: new Map(),
    activeByNode: new Map(),
    members: new Map(),
  };
  for (const node of nodes) putNode(state, node);
  for (const link of links) putLink(state, link);
  return state;
}

export function putNode(state: GraphState, node: IdentityNode): void {
  const previous = state.nodes.get(node.key);
  if (previous) removeFrom(state.members, previous.graphId, node.key);
  state.nodes.set(node.key, node);
  addTo(state.members, node.graphId, node.key);
}

/** Adds a link the state does not hold yet. */
export function putLink(state: GraphState, link: LinkState): void {
  state.links.set(link.key, link);
  push(state.linksByNode, link.a, link.key);
  push(state.linksByNode, link.b, link.key);
  if (link.status === 'active') {
    push(state.activeByNode, link.a, link.key);
    push(state.activeByNode, link.b, link.key);
  }
}

export function moveToGraph(state: GraphState, node: IdentityNode, graphId: IdentityKey): boolean {
  if (node.graphId === graphId) return false;
  removeFrom(state.members, node.graphId, node.key);
  node.graphId = graphId;
  addTo(state.members, graphId, node.key);
  return true;
}

/** Keeps activeByNode in step with a link's status; the caller sets the removal fields. */
export function setActive(state: GraphState, link: LinkState, active: boolean): void {
  link.status = active ? 'active' : 'removed';
  if (active) {
    push(state.activeByNode, link.a, link.key);
    push(state.activeByNode, link.b, link.key);
  } else {
    pull(state.activeByNode, link.a, link.key);
    pull(state.activeByNode, link.b, link.key);
  }
}

export function graphMembers(state: GraphState, graphId: IdentityKey): ReadonlySet<IdentityKey> {
  return state.members.get(graphId) ?? EMPTY;
}

const EMPTY: ReadonlySet<IdentityKey> = new Set();

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
}

function push<K, V>(index: Map<K, V[]>, key: K, value: V): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

function pull<K, V>(index: Map<K, V[]>, key: K, value: V): void {
  const list = index.get(key);
  if (!list) return;
  const at = list.indexOf(value);
  if (at >= 0) list.splice(at, 1);
  if (list.length === 0) index.delete(key);
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}
