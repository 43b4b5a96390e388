import { applyItem, createGraphState, type GraphState } from '../../projections/identity-graph';
import type { IdentityKey } from '../../projections/model';
import type { Fragment } from '../../projections/unified-profile';
import { decode } from '../events/codec';
import type { EventStore } from '../event-store/event-store.port';
import { comparePositions, type Position } from '../event-store/position';
import type { ReadModelBatch, ReadStore } from '../read-store/read-store.port';
import { fragmentKey, profilesOf, type LoadedScope, type PrimaryStats, type ProjectionContext } from './batch-projection';
import { graphItemOf } from './log-items';

const PAGE = 1000;
const CHUNK = 500;

/**
 * A change of rules (identity settings, a link rejection or its withdrawal) re-derives every graph from the log:
 * every item logged up to the change is folded again, from scratch, under the new rules. That is what makes a
 * settings change retroactive and a rejection hold in every replay; it is also exactly what a rebuild from the
 * log computes, so the live models and a rebuild cannot drift apart. Cost: one pass over the log's items, which
 * is acceptable for these rare operator actions (ingestion never takes this path).
 */
export async function rederiveGraphs(
  log: EventStore,
  store: ReadStore,
  until: Position,
  ctx: ProjectionContext,
): Promise<ReadModelBatch> {
  const graph = await foldLog(log, until, ctx);
  const keys = [...graph.nodes.keys()];
  const oldLinks = await inChunks(keys, (part) => store.getLinksTouching(part));
  const fragments = await inChunks(keys, (part) => store.getFragmentsOfPrimaries(part));
  const stats = await inChunks(keys, (part) => store.getEventStats(part));
  const scope: LoadedScope = {
    graph,
    fragments: new Map(fragments.map((f) => [fragmentKey(f.source, f.primaryKey), f.doc as unknown as Fragment])),
    stats: new Map<IdentityKey, PrimaryStats>(stats.map((s) => [s.primaryKey, { count: s.count, lastEventAt: s.lastEventAt, lastPosition: s.lastPosition }])),
    graphsBefore: await allProfileGraphIds(store),
  };
  const staleLinks = [...new Set(oldLinks.map((l) => l.key))].filter((k) => !graph.links.has(k));
  return {
    nodes: { upsert: [...graph.nodes.values()] },
    links: { upsert: [...graph.links.values()], delete: staleLinks },
    profiles: profilesOf(scope, ctx),
  };
}

async function foldLog(log: EventStore, until: Position, ctx: ProjectionContext): Promise<GraphState> {
  const graph = createGraphState();
  let after: Position | undefined;
  for (;;) {
    const page = await log.readAll({ after, limit: PAGE });
    for (const recorded of page) {
      if (comparePositions(recorded.position, until) > 0) return graph;
      const item = graphItemOf(decode(recorded));
      if (item) applyItem(graph, ctx.settings, item, ctx.rejected);
    }
    if (page.length < PAGE) return graph;
    after = page[page.length - 1].position;
  }
}

async function inChunks<T>(keys: IdentityKey[], load: (part: IdentityKey[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) out.push(...(await load(keys.slice(i, i + CHUNK))));
  return out;
}

async function allProfileGraphIds(store: ReadStore): Promise<Set<IdentityKey>> {
  const ids = new Set<IdentityKey>();
  let cursor: string | undefined;
  do {
    const page = await store.listProfiles({ limit: 1000, cursor });
    page.items.forEach((p) => ids.add(p.graphId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}
