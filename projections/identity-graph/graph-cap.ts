import type { IdentityKey, IdentityNode } from '../model';
import type { ChangeLog } from './change-log';
import { REMOVAL_REASONS } from './graph-item';
import type { GraphState } from './graph-state';
import { removeLink } from './link-ops';
import { assignGraph, componentsOf, moveNode } from './node-ops';
import type { SettingsView } from './settings-view';

/**
 * Step 5: while a graph holds more identities than the cap, evict the oldest cookie, else the oldest device, else
 * the oldest identity (first-seen, ties by key) with its links. An eviction may split the graph: each piece still
 * over the cap goes round again.
 */
export function enforceCap(state: GraphState, view: SettingsView, graphIds: Iterable<IdentityKey>, log: ChangeLog) {
  // Smallest graphId first, so the eviction order in the outcome does not depend on how the state was loaded.
  const queue = [...new Set(graphIds)].sort().reverse();
  while (queue.length > 0) {
    const members = state.members.get(queue.pop()!);
    if (!members || members.size <= view.cap) continue;
    const victim = evictionCandidate(state, view, members);
    const rest = new Set(members);
    rest.delete(victim.key);
    evict(state, victim, log);
    const overCap: IdentityKey[] = [];
    for (const component of componentsOf(state, rest)) {
      const graphId = assignGraph(state, component, log);
      if (component.length > view.cap) overCap.push(graphId);
    }
    queue.push(...overCap.sort().reverse());
  }
}

function evictionCandidate(state: GraphState, view: SettingsView, members: ReadonlySet<IdentityKey>): IdentityNode {
  let best: IdentityNode | undefined;
  for (const key of members) {
    const node = state.nodes.get(key)!;
    if (!best || evictsBefore(view, node, best)) best = node;
  }
  return best!;
}

const CLASS_BY_TYPE: Readonly<Record<string, number>> = { cookie: 0, device: 1 };

function evictsBefore(view: SettingsView, x: IdentityNode, y: IdentityNode): boolean {
  const cx = CLASS_BY_TYPE[view.type(x.namespace)] ?? 2;
  const cy = CLASS_BY_TYPE[view.type(y.namespace)] ?? 2;
  if (cx !== cy) return cx < cy;
  if (x.firstSeen !== y.firstSeen) return x.firstSeen < y.firstSeen;
  return x.key < y.key;
}

function evict(state: GraphState, node: IdentityNode, log: ChangeLog): void {
  for (const key of [...(state.activeByNode.get(node.key) ?? [])]) {
    removeLink(state, state.links.get(key)!, REMOVAL_REASONS.graphCap, log);
  }
  moveNode(state, node, node.key, log);
  log.evicted.push(node.key);
}
