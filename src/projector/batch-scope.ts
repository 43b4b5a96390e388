import { loadGraphScope, scopeGraphIds, scopeIdentityKeys, type GraphItem, type GraphScopeReader } from '../../projections/identity-graph';
import type { DecodedEvent } from '../events';
import type { ReadStore } from '../read-store/read-store.port';
import { graphItemOf, loadedScopeOf, type LoadedScope } from '../read-models';

/**
 * Loads exactly what a batch can change: its graphs through the property-tested scope loader of the pure core
 * (projections/identity-graph/load-scope.ts: the nodes of its identities, every node of their graphs, the links
 * among them, active and removed), and the fragments and event stats of every one of those identities. Cost
 * follows the batch's graphs, never the size of the store.
 */
export async function loadScope(store: ReadStore, events: readonly DecodedEvent[]): Promise<LoadedScope> {
  const items = events.map(graphItemOf).filter((item): item is GraphItem => item !== undefined);
  const graph = await loadGraphScope(items, graphReaderOf(store));
  const keys = [...new Set([...graph.nodes.keys(), ...scopeIdentityKeys(items)])];
  const [fragments, stats] = await Promise.all([store.getFragmentsOfPrimaries(keys), store.getEventStats(keys)]);
  return loadedScopeOf(graph, fragments, stats, new Set(scopeGraphIds(graph.nodes.values())));
}

function graphReaderOf(store: ReadStore): GraphScopeReader {
  return {
    nodesByKeys: (keys) => store.getNodes(keys),
    nodesByGraphIds: (graphIds) => store.getNodesOfGraphs(graphIds),
    linksAmong: async (keys) => {
      const among = new Set(keys);
      return (await store.getLinksTouching(keys)).filter((l) => among.has(l.a) && among.has(l.b));
    },
  };
}
