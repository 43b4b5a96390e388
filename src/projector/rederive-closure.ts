import { applyItem, createGraphState, type GraphItem, type GraphState } from '../../projections/identity-graph';
import { identityKey, type IdentityKey } from '../../projections/model';
import { decode, type DecodedEvent } from '../events';
import type { EventStore } from '../event-store/event-store.port';
import { comparePositions, type Position } from '../event-store';
import type { ItemIndexEntry, ReadModelBatch, ReadStore } from '../read-store';
import { graphItemOf, loadedScopeOf, profilesOf, type ProjectionContext } from '../read-models';

/** Past this many items a rule's closure is not worth holding at once: the caller streams over every graph instead. */
export const MAX_CLOSURE_ITEMS = 200_000;
const CHUNK = 500;
const PARALLEL = 16;
/** Items read between turns of the event loop: about 10-40 ms of reading and decrypting on a loaded machine. */
const YIELD_EVERY = 64;

/**
 * The co-occurrence closure of some identities as of `until`: their items, the identities of those items, their
 * items, … until nothing new turns up, from the identity → items index, each item read back from the log as it
 * reads now. An item outside the closure shares no identity with it, so no graph inside depends on it and no graph
 * outside depends on anything inside: folding the closure's items from scratch, in log order, yields exactly what a
 * fold of the whole log yields for those identities. It can grow in steps (a streamed re-derivation adds seeds
 * until it holds enough items for one chunk).
 */
export class Closure {
  readonly known = new Set<IdentityKey>();
  private readonly items = new Map<string, DecodedEvent>();

  constructor(
    private readonly log: EventStore,
    private readonly store: ReadStore,
    private readonly until: Position,
  ) {}

  get size(): number {
    return this.items.size;
  }

  /** Adds these identities' closure; false as soon as it would hold more than `max` items (then left half grown). */
  async grow(seeds: readonly IdentityKey[], max = Infinity): Promise<boolean> {
    let frontier = seeds.filter((k) => !this.known.has(k));
    frontier.forEach((k) => this.known.add(k));
    while (frontier.length > 0) {
      const rows = await inChunks(frontier, (part) => this.store.getItemsOfIdentities(part));
      const fresh = [...new Map(rows.filter((r) => !this.items.has(r.eventId)).map((r) => [r.eventId, r])).values()];
      if (this.items.size + fresh.length > max) return false;
      frontier = [];
      for (const decoded of await readItems(this.log, fresh)) {
        if (comparePositions(decoded.position, this.until) > 0) continue;
        this.items.set(decoded.eventId, decoded);
        const item = graphItemOf(decoded);
        for (const key of item ? [...item.identities, ...(item.unlinked ?? [])].map(identityKey) : []) {
          if (!this.known.has(key)) frontier.push(key);
          this.known.add(key);
        }
      }
    }
    return true;
  }

  inLogOrder(): DecodedEvent[] {
    return [...this.items.values()].sort((x, y) => comparePositions(x.position, y.position));
  }
}

/**
 * Folds the closure's items from scratch under the rules in `ctx` and returns the nodes and profiles of its graphs
 * (profiles of graphs its identities had before and no longer have are deleted). `seeds` also count as touched,
 * so an identity left with no item loses its old graph's profile.
 */
export async function foldClosure(
  store: ReadStore,
  closure: Closure,
  seeds: readonly IdentityKey[],
  ctx: ProjectionContext,
  observe: (item: GraphItem) => void,
): Promise<{ graph: GraphState; writes: ReadModelBatch; keys: IdentityKey[] }> {
  const graph = createGraphState();
  for (const decoded of closure.inLogOrder()) {
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

/** The indexed items, each read back by its stream and revision (never a scan of the log). */
async function readItems(log: EventStore, rows: ItemIndexEntry[]): Promise<DecodedEvent[]> {
  const out: DecodedEvent[] = [];
  for (let i = 0; i < rows.length; i += PARALLEL) {
    // The embedded log answers synchronously: without a turn of the event loop now and then, a large closure
    // would hold off every HTTP request of the process until it is read.
    if (i > 0 && i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
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
