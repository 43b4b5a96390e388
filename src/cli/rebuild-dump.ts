import type { MembershipRow, ReadStore, TimelineEvent } from '../read-store/read-store.port';

/**
 * One profile as a read client can see it: the document, its graph (nodes, links), its timeline's event ids, its
 * computed values and its audience memberships.
 */
export interface DumpedProfile {
  graphId: string;
  doc: unknown;
  nodes: unknown[];
  links: unknown[];
  events: string[];
  /** The computed values of the definitions in force (those with a backfill record), absent when none. */
  computed?: Record<string, unknown>;
  /**
   * Every membership interval, open or closed, stored under a graph id that is one of the graph's identities now
   * (its own and those of graphs merged into it: asOf and history read them), absent when none.
   */
  memberships?: DumpedMembership[];
}

/** One interval as members, asOf and history read it: when it opened and closed, and why (the doc's causes). */
export interface DumpedMembership {
  audienceId: string;
  graphId: string;
  enteredAt: number;
  exitedAt: number | null;
  doc: unknown;
}

/**
 * Everything a read client can see of the read models, in a canonical order: every profile with its graph, its
 * timeline, its computed values and its audience memberships (the change feed is compared on its own: storedFeed).
 * Two stores that dump equal serve equal answers (rebuild --verify, crash and rebuild tests).
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
        ...(await membershipsOf(store, keys)),
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

/** In a canonical order (graph, audience, entry, exit), whatever order the store keeps them in. */
async function membershipsOf(store: ReadStore, keys: string[]): Promise<{ memberships?: DumpedMembership[] }> {
  const rows = await store.getMembershipIntervals(keys);
  if (rows.length === 0) return {};
  return { memberships: rows.map(dumpedMembership).sort(byInterval) };
}

function dumpedMembership(row: MembershipRow): DumpedMembership {
  return { audienceId: row.audienceId, graphId: row.graphId, enteredAt: row.enteredAt, exitedAt: row.exitedAt ?? null, doc: row.doc };
}

function byInterval(a: DumpedMembership, b: DumpedMembership): number {
  if (a.graphId !== b.graphId) return a.graphId < b.graphId ? -1 : 1;
  if (a.audienceId !== b.audienceId) return a.audienceId < b.audienceId ? -1 : 1;
  if (a.enteredAt !== b.enteredAt) return a.enteredAt - b.enteredAt;
  return a.exitedAt === b.exitedAt ? 0 : a.exitedAt === null ? 1 : b.exitedAt === null ? -1 : a.exitedAt - b.exitedAt;
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
