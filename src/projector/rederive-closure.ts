import { applyItem, createGraphState, type GraphItem, type GraphState } from '../../projections/identity-graph';
import { identityKey, type IdentityKey } from '../../projections/model';
import { decode, type DecodedEvent } from '../events';
import type { EventStore } from '../event-store/event-store.port';
import { comparePositions, type Position } from '../event-store';
import type { ItemIndexEntry, ReadModelBatch, ReadStore } from '../read-store';
import { graphItemOf, loadedScopeOf, profilesOf, type ProjectionContext } from '../read-models';

/** Past this many items the closure is not worth holding: the caller re-derives every graph instead. */
export const MAX_CLOSURE_ITEMS = 200_000;
const CHUNK = 500;
const PARALLEL = 16;

/**
 * Re-derives only the graphs a rule change about `seeds` can change: the co-occurrence closure of the seeds (their
 * items, the identities of those items, their items, … until nothing new turns up, from the identity → items index).
 * An item outside the closure shares no identity with it, so no graph inside depends on it and no graph outside
 * depends on anything inside: folding the closure's items from scratch, in log order, under the new rules yields
 * exactly what a fold of the whole log yields for those identities, and leaves the rest as it is. Undefined when
 * the closure is larger than MAX_CLOSURE_ITEMS.
 */
export async function rederiveClosure(
  log: EventStore,
  store: ReadStore,
  until: Position,
  ctx: ProjectionContext,
  seeds: IdentityKey[],
  observe: (item: GraphItem) => void,
): Promise<{ graph: GraphState; writes: ReadModelBatch; keys: IdentityKey[] } | undefined> {
  const items = await closureItems(log, store, seeds, until);
  if (!items) return undefined;
  const graph = createGraphState();
  for (const decoded of items) {
    const item = graphItemOf(decoded);
    if (item && applyItem(graph, ctx.settings, item, ctx.rejected).status === 'applied') observe(item);
  }
  const keys = [...new Set([...seeds, ...graph.nodes.keys()])];
  const before = await inChunks(keys, (part) => store.getNodes(part));
  const fragments = await inChunks(keys, (part) => store.getFragmentsOfPrimaries(part));
  const stats = await inChunks(keys, (part) => store.getEventStats(part));
  const scope = loadedScopeOf(graph, fragments, stats, new Set(before.map((n) => n.graphId)));
  return { graph, keys, writes: { nodes: { upsert: [...graph.nodes.values()] }, profiles: profilesOf(scope, ctx) } };
}

async function closureItems(log: EventStore, store: ReadStore, seeds: IdentityKey[], until: Position): Promise<DecodedEvent[] | undefined> {
  const known = new Set<IdentityKey>(seeds);
  const items = new Map<string, DecodedEvent>();
  let frontier = [...seeds];
  while (frontier.length > 0) {
    const rows = await inChunks(frontier, (part) => store.getItemsOfIdentities(part));
    const fresh = [...new Map(rows.filter((r) => !items.has(r.eventId)).map((r) => [r.eventId, r])).values()];
    if (items.size + fresh.length > MAX_CLOSURE_ITEMS) return undefined;
    frontier = [];
    for (const decoded of await readItems(log, fresh)) {
      if (comparePositions(decoded.position, until) > 0) continue;
      items.set(decoded.eventId, decoded);
      const item = graphItemOf(decoded);
      for (const key of item ? [...item.identities, ...(item.unlinked ?? [])].map(identityKey) : []) {
        if (!known.has(key)) frontier.push(key);
        known.add(key);
      }
    }
  }
  return [...items.values()].sort((x, y) => comparePositions(x.position, y.position));
}

/** The indexed items, each read back by its stream and revision (never a scan of the log). */
async function readItems(log: EventStore, rows: ItemIndexEntry[]): Promise<DecodedEvent[]> {
  const out: DecodedEvent[] = [];
  for (let i = 0; i < rows.length; i += PARALLEL) {
    const reads = rows.slice(i, i + PARALLEL).map((r) => log.readStream(r.stream, { fromRevision: r.revision, limit: 1 }));
    const pages = await Promise.all(reads);
    pages.forEach(([recorded], j) => {
      if (recorded && recorded.eventId === rows[i + j].eventId) out.push(decode(recorded));
    });
  }
  return out;
}

export async function inChunks<T>(keys: IdentityKey[], load: (part: IdentityKey[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) out.push(...(await load(keys.slice(i, i + CHUNK))));
  return out;
}
