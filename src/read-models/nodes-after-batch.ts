import type { IdentityKey, IdentityNode } from '../../projections/model';
import type { ReadModelBatch } from '../read-store/read-store.port';

/**
 * The nodes of these graphs as the store will hold them once `batch` is committed: the stored ones (`stored`, read
 * before the commit) the batch leaves alone, and those it writes under one of these graph ids. What lets a
 * re-derivation compute its graphs' values and memberships before its commit, so they go in with it. In key order.
 */
export function nodesAfterBatch(stored: readonly IdentityNode[], nodes: ReadModelBatch['nodes'], graphIds: readonly IdentityKey[]): IdentityNode[] {
  const wanted = new Set(graphIds);
  const written = new Map((nodes?.upsert ?? []).map((n) => [n.key, n]));
  const deleted = new Set(nodes?.delete ?? []);
  const out = new Map<IdentityKey, IdentityNode>();
  for (const n of stored) if (wanted.has(n.graphId) && !written.has(n.key) && !deleted.has(n.key)) out.set(n.key, n);
  for (const n of written.values()) if (wanted.has(n.graphId) && !deleted.has(n.key)) out.set(n.key, n);
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
