import { createGraphState } from '../../projections/identity-graph';
import { identityKey, type IdentityKey } from '../../projections/model';
import type { Fragment } from '../../projections/unified-profile';
import type { DecodedEvent } from '../events/codec';
import type { ReadStore } from '../read-store/read-store.port';
import { fragmentKey, type LoadedScope, type PrimaryStats } from './batch-projection';
import { graphItemOf } from './log-items';

/**
 * Loads exactly what a batch can change: the nodes of its identities, every node of their graphs, the links among
 * those nodes (active and removed: a step-4 rebuild reconsiders removed ones), and the fragments and event stats
 * of every one of them. Cost follows the batch's graphs, never the size of the store.
 */
export async function loadScope(store: ReadStore, events: readonly DecodedEvent[]): Promise<LoadedScope> {
  const itemKeys = new Set<IdentityKey>();
  for (const decoded of events) {
    const item = graphItemOf(decoded);
    if (!item) continue;
    for (const identity of [...item.identities, ...(item.unlinked ?? [])]) itemKeys.add(identityKey(identity));
  }
  const found = await store.getNodes([...itemKeys]);
  const graphIds = [...new Set(found.map((n) => n.graphId))];
  const nodes = graphIds.length > 0 ? await store.getNodesOfGraphs(graphIds) : [];
  const loadedKeys = new Set(nodes.map((n) => n.key));
  const links = loadedKeys.size > 1 ? await store.getLinksTouching([...loadedKeys]) : [];
  const among = links.filter((l) => loadedKeys.has(l.a) && loadedKeys.has(l.b));
  const allKeys = [...new Set([...loadedKeys, ...itemKeys])];
  const [fragments, stats] = await Promise.all([store.getFragmentsOfPrimaries(allKeys), store.getEventStats(allKeys)]);
  return {
    graph: createGraphState(nodes, among),
    fragments: new Map(fragments.map((f) => [fragmentKey(f.source, f.primaryKey), f.doc as unknown as Fragment])),
    stats: new Map<IdentityKey, PrimaryStats>(stats.map((s) => [s.primaryKey, { count: s.count, lastEventAt: s.lastEventAt, lastPosition: s.lastPosition }])),
    graphsBefore: new Set(graphIds),
  };
}
