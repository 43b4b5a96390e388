import type { IdentityKey, IdentityNode, IdentityRef } from '../model';
import type { ChangeLog } from './change-log';
import { moveToGraph, putNode, type GraphState } from './graph-state';

/** Records that the item saw this identity: creates its node (alone in its own graph) or widens its times. */
export function touchNode(state: GraphState, identity: IdentityRef, key: IdentityKey, log: ChangeLog): void {
  const t = log.item.timestamp;
  const node = state.nodes.get(key);
  if (!node) {
    putNode(state, { key, namespace: identity.namespace, id: identity.id, firstSeen: t, lastSeen: t, graphId: key });
    log.nodes.add(key);
    log.created.add(key);
    return;
  }
  if (t < node.firstSeen || t > node.lastSeen) {
    node.firstSeen = Math.min(node.firstSeen, t);
    node.lastSeen = Math.max(node.lastSeen, t);
    log.nodes.add(key);
  }
}

/** Names a component by its smallest identity key, so the same log always yields the same graph ids. */
export function assignGraph(state: GraphState, keys: readonly IdentityKey[], log: ChangeLog): IdentityKey {
  let graphId = keys[0];
  for (const key of keys) if (key < graphId) graphId = key;
  for (const key of keys) moveNode(state, state.nodes.get(key)!, graphId, log);
  return graphId;
}

/** Every change of graph goes through here, so the outcome can tell merges and splits from the moves alone. */
export function moveNode(state: GraphState, node: IdentityNode, graphId: IdentityKey, log: ChangeLog): void {
  const from = node.graphId;
  if (!moveToGraph(state, node, graphId)) return;
  if (!log.movedFrom.has(node.key)) log.movedFrom.set(node.key, from);
  log.nodes.add(node.key);
}

/** The connected components (over active links) of a set of identities that no active link leaves. */
export function componentsOf(state: GraphState, keys: ReadonlySet<IdentityKey>): IdentityKey[][] {
  const seen = new Set<IdentityKey>();
  const result: IdentityKey[][] = [];
  for (const start of keys) {
    if (seen.has(start)) continue;
    seen.add(start);
    const component = [start];
    for (let i = 0; i < component.length; i++) {
      for (const linkKey of state.activeByNode.get(component[i]) ?? []) {
        const link = state.links.get(linkKey)!;
        const next = link.a === component[i] ? link.b : link.a;
        if (!seen.has(next) && keys.has(next)) {
          seen.add(next);
          component.push(next);
        }
      }
    }
    result.push(component);
  }
  return result;
}
