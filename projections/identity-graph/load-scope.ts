import { identityKey, type IdentityKey, type IdentityNode, type LinkState } from '../model';
import type { GraphItem } from './graph-item';
import { createGraphState, type GraphState } from './graph-state';

/**
 * What the projector must load from the read store before applying items, so that applyItem on the loaded part
 * decides exactly as it would on the whole graph:
 *   1. the nodes of the items' identities (scopeIdentityKeys);
 *   2. every node of those nodes' graphs (scopeGraphIds);
 *   3. every link, active or removed, with both ends among the nodes of 2 (links with one end among them are a
 *      harmless superset).
 * For a batch, the scope of all its items taken on the state before the batch suffices, as long as one state
 * carries the whole batch: an item only ever changes graphs that were loaded.
 */
export function scopeIdentityKeys(items: Iterable<GraphItem>): IdentityKey[] {
  const keys = new Set<IdentityKey>();
  for (const item of items) {
    for (const identity of [...item.identities, ...(item.unlinked ?? [])]) keys.add(identityKey(identity));
  }
  return [...keys];
}

export function scopeGraphIds(found: Iterable<IdentityNode>): IdentityKey[] {
  return [...new Set([...found].map((node) => node.graphId))];
}

/** A read store as the scope loader asks it; arrays or promises, so synchronous SQLite fits as well as MongoDB. */
export interface GraphScopeReader {
  nodesByKeys(keys: IdentityKey[]): IdentityNode[] | Promise<IdentityNode[]>;
  nodesByGraphIds(graphIds: IdentityKey[]): IdentityNode[] | Promise<IdentityNode[]>;
  /** Links with both ends among these identities. */
  linksAmong(keys: IdentityKey[]): LinkState[] | Promise<LinkState[]>;
}

/** Loads the scope of these items into a fresh state: the records returned are owned (mutated) by the state. */
export async function loadGraphScope(items: Iterable<GraphItem>, reader: GraphScopeReader): Promise<GraphState> {
  const found = await reader.nodesByKeys(scopeIdentityKeys(items));
  const graphIds = scopeGraphIds(found);
  const nodes = graphIds.length > 0 ? await reader.nodesByGraphIds(graphIds) : [];
  const links = nodes.length > 1 ? await reader.linksAmong(nodes.map((n) => n.key)) : [];
  return createGraphState(nodes, links);
}
