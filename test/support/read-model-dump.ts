import type { ReadStore } from '../../src/read-store/read-store.port';

/**
 * Everything a read client can see of the read models, in a canonical order: every profile with its graph and its
 * timeline. Two stores that dump equal serve equal answers (used by crash tests and rebuild verification).
 */
export async function dumpReadModels(store: ReadStore): Promise<unknown[]> {
  const out: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listProfiles({ limit: 1000, cursor });
    for (const profile of page.items) {
      const graph = await store.getGraph(profile.graphId);
      const keys = graph.nodes.map((n) => n.key).sort();
      const events = await store.queryEvents({ primaryKeys: keys, order: 'asc', limit: 1000 });
      out.push({
        graphId: profile.graphId,
        doc: profile.doc,
        nodes: [...graph.nodes].sort((a, b) => (a.key < b.key ? -1 : 1)),
        links: [...graph.links].sort((a, b) => (a.key < b.key ? -1 : 1)),
        events: events.items.map((e) => e.eventId),
      });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
