import type { ReadStore, TimelineEvent } from '../read-store/read-store.port';

/** One profile as a read client can see it: the document, its graph (nodes, links) and its timeline's event ids. */
export interface DumpedProfile {
  graphId: string;
  doc: unknown;
  nodes: unknown[];
  links: unknown[];
  events: string[];
  /** The computed values of the definitions in force (those with a backfill record), absent when none. */
  computed?: Record<string, unknown>;
}

/**
 * Everything a read client can see of the read models, in a canonical order: every profile with its graph and its
 * timeline. Two stores that dump equal serve equal answers (rebuild --verify, crash and rebuild tests).
 */
export async function dumpReadModels(store: ReadStore): Promise<DumpedProfile[]> {
  const out: DumpedProfile[] = [];
  const inForce = (await store.getComputedBackfills()).map((b) => b.name);
  let cursor: string | undefined;
  do {
    const page = await store.listProfiles({ limit: 1000, cursor });
    for (const profile of page.items) {
      const graph = await store.getGraph(profile.graphId);
      const keys = graph.nodes.map((n) => n.key).sort();
      out.push({
        graphId: profile.graphId,
        doc: profile.doc,
        nodes: [...graph.nodes].sort((a, b) => (a.key < b.key ? -1 : 1)),
        links: [...graph.links].sort((a, b) => (a.key < b.key ? -1 : 1)),
        events: (await wholeTimeline(store, keys)).map((e) => e.eventId),
        ...(inForce.length === 0 ? {} : { computed: await computedOf(store, profile.graphId, inForce) }),
      });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

async function computedOf(store: ReadStore, graphId: string, names: string[]): Promise<Record<string, unknown>> {
  const values = (await store.getComputedValues([graphId]))[0]?.values ?? {};
  return Object.fromEntries(names.map((name) => [name, values[name] ?? null]));
}

async function wholeTimeline(store: ReadStore, primaryKeys: string[]): Promise<TimelineEvent[]> {
  const out: TimelineEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.queryEvents({ primaryKeys, order: 'asc', limit: 1000, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
