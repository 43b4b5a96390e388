import type { IdentityKey } from '../model';
import type { ChangeLog } from './change-log';
import type { GraphItem, GraphMerge, GraphSplit, ItemOutcome } from './graph-item';
import { graphMembers, type GraphState } from './graph-state';

/** Before an item: the graphs of the item's identities that exist already. */
export function graphsOfKnown(state: GraphState, keys: readonly IdentityKey[]): IdentityKey[] {
  const graphIds = new Set<IdentityKey>();
  for (const key of keys) {
    const node = state.nodes.get(key);
    if (node) graphIds.add(node.graphId);
  }
  return [...graphIds];
}

export function rejectedOutcome(item: GraphItem, namespace: string): ItemOutcome {
  return {
    ...emptyOutcome(item.itemId, 'rejected'),
    rejection: {
      code: 'UNIQUE_NAMESPACE_CONFLICT',
      namespace,
      reason: `the item holds two values of the unique namespace ${namespace}`,
    },
  };
}

export function outcomeOf(
  state: GraphState,
  log: ChangeLog,
  graphsBefore: readonly IdentityKey[],
  keys: readonly IdentityKey[],
): ItemOutcome {
  const before = log.movedFrom.size === 0 ? new Map<IdentityKey, IdentityKey>() : membersBefore(state, log, graphsBefore);
  const graphsAfter = new Set<IdentityKey>(log.movedFrom.size === 0 ? graphsBefore : []);
  for (const key of [...before.keys(), ...keys]) graphsAfter.add(state.nodes.get(key)!.graphId);
  const after = new Map([...before.keys()].map((key) => [key, state.nodes.get(key)!.graphId]));
  return {
    ...emptyOutcome(log.item.itemId, 'applied'),
    rebuilt: log.rebuilt,
    touchedNodes: sorted(log.nodes),
    touchedLinks: sorted(log.links),
    addedLinks: sorted(log.added),
    removedLinks: sorted(log.removed.keys()).map((key) => ({ key, reason: log.removed.get(key)! })),
    restoredLinks: sorted(log.restored),
    evicted: [...log.evicted],
    graphsBefore: sorted(graphsBefore),
    graphsAfter: sorted(graphsAfter),
    merges: regroup(before, after).map(([graphId, from]) => ({ graphId, from }) satisfies GraphMerge),
    splits: regroup(after, before).map(([graphId, into]) => ({ graphId, into }) satisfies GraphSplit),
  };
}

/**
 * The graph each identity of the item's graphs was in before the item, rebuilt after the fact: a node that moved
 * says where from; one that did not is still in its graph. Only items that moved a node pay for this.
 */
function membersBefore(
  state: GraphState,
  log: ChangeLog,
  graphsBefore: readonly IdentityKey[],
): Map<IdentityKey, IdentityKey> {
  const before = new Map<IdentityKey, IdentityKey>();
  for (const [key, graphId] of log.movedFrom) if (!log.created.has(key)) before.set(key, graphId);
  for (const graphId of graphsBefore) {
    for (const key of graphMembers(state, graphId)) if (!log.movedFrom.has(key)) before.set(key, graphId);
  }
  return before;
}

/**
 * For each graph on the `to` side, the graphs on the `from` side its identities came from, when more than one:
 * (before → after) gives merges, (after → before) gives splits. Identities new with this item merged nothing.
 */
function regroup(
  from: ReadonlyMap<IdentityKey, IdentityKey>,
  to: ReadonlyMap<IdentityKey, IdentityKey>,
): [IdentityKey, IdentityKey[]][] {
  const sources = new Map<IdentityKey, Set<IdentityKey>>();
  for (const [key, graphId] of from) {
    const target = to.get(key);
    if (target === undefined) continue;
    const set = sources.get(target);
    if (set) set.add(graphId);
    else sources.set(target, new Set([graphId]));
  }
  return sorted(sources.keys())
    .filter((target) => sources.get(target)!.size > 1)
    .map((target) => [target, sorted(sources.get(target)!)]);
}

function emptyOutcome(itemId: string, status: ItemOutcome['status']): ItemOutcome {
  return {
    itemId,
    status,
    rebuilt: false,
    touchedNodes: [],
    touchedLinks: [],
    addedLinks: [],
    removedLinks: [],
    restoredLinks: [],
    evicted: [],
    graphsBefore: [],
    graphsAfter: [],
    merges: [],
    splits: [],
  };
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}
