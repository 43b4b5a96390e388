import { REMOVAL_REASONS, type GraphItem, type GraphState } from '../../projections/identity-graph';
import { identityKey, linkKey, type IdentityKey, type LinkState } from '../../projections/model';
import type { DecodedEvent } from '../events';
import type { EventStore } from '../event-store/event-store.port';
import type { Position } from '../event-store';
import type { ReadModelBatch, ReadStore } from '../read-store/read-store.port';
import type { ActiveRejection, ProjectionContext } from '../read-models';
import { loadRules } from './load-rules';
import { Closure, foldClosure, inChunks, MAX_CLOSURE_ITEMS } from './rederive-closure';
import { seedsOfRule } from './rule-seeds';

/**
 * A change of rules (identity settings, a link rejection or its withdrawal, an erasure of someone linked to others)
 * re-derives the graphs it can change: their items logged up to the change are folded again, from scratch, under
 * the new rules. That is what makes a settings change retroactive and a rejection hold in every replay; it is also
 * exactly what a rebuild from the log computes, so the live models and a rebuild cannot drift apart.
 *
 * A rejection or its withdrawal concerns one pair, an erasure the people the subject shared items with (rule-seeds.ts):
 * only the co-occurrence closure of those identities is folded (rederive-closure.ts), so its cost follows the size
 * of those people's history, not of the log. Undefined for a rule that concerns anyone (a settings change) or whose
 * closure is too large to hold: the projector then streams over every graph (rederive-stream.ts).
 */
export async function rederiveGraphs(
  log: EventStore,
  store: ReadStore,
  rule: DecodedEvent,
  ctx: ProjectionContext,
): Promise<ReadModelBatch | undefined> {
  const seeds = await seedsOfRule(log, rule);
  if (!seeds) return undefined;
  const closure = new Closure(log, store, rule.position);
  if (!(await closure.grow(seeds, MAX_CLOSURE_ITEMS))) return undefined;
  return closureWrites(log, store, rule.position, ctx, closure, seeds);
}

/** Every write of re-deriving a closure as of `until`: its nodes, profiles and links (rejected pairs as removed links). */
export async function closureWrites(
  log: EventStore,
  store: ReadStore,
  until: Position,
  ctx: ProjectionContext,
  closure: Closure,
  seeds: readonly IdentityKey[],
): Promise<ReadModelBatch> {
  const observed = new RejectedPairObservations([...(await loadRules(log, until)).rejections.values()]);
  const folded = await foldClosure(store, closure, seeds, ctx, (item) => observed.observe(item));
  return { ...folded.writes, links: await linkWrites(store, folded.graph, folded.keys, observed) };
}

/** The re-derived links, the removed records of rejected pairs, and the deletion of links the fold no longer has. */
async function linkWrites(store: ReadStore, graph: GraphState, keys: IdentityKey[], observed: RejectedPairObservations) {
  const rejectedLinks = observed.removedLinks(graph);
  const oldLinks = await inChunks(keys, (part) => store.getLinksTouching(part));
  const kept = new Set([...graph.links.keys(), ...rejectedLinks.map((l) => l.key)]);
  const staleLinks = [...new Set(oldLinks.map((l) => l.key))].filter((k) => !kept.has(k));
  return { upsert: [...graph.links.values(), ...rejectedLinks], delete: staleLinks };
}

/**
 * The fold ignores observations of rejected pairs, so it holds no record of them; this keeps the first/last seen
 * and sources of those observations on the side, so each rejected pair becomes a removed link record
 * (LINK_REJECTED, removed by the rejection's log event) that the graph API shows among removedLinks. Only items
 * holding an identity of some rejected pair are looked at, so the pass costs nothing when nobody rejected anything.
 */
class RejectedPairObservations {
  private readonly byPair = new Map<string, ActiveRejection>();
  private readonly ends = new Set<IdentityKey>();
  private readonly seen = new Map<string, Pick<LinkState, 'firstSeen' | 'lastSeen' | 'sources' | 'createdBy'>>();

  constructor(rejections: ActiveRejection[]) {
    for (const r of rejections) {
      this.byPair.set(r.pair, r);
      this.ends.add(identityKey(r.from)).add(identityKey(r.to));
    }
  }

  observe(item: GraphItem): void {
    if (this.ends.size === 0) return;
    const unlinked = new Set((item.unlinked ?? []).map(identityKey));
    const keys = item.identities.map(identityKey).filter((k) => this.ends.has(k) && !unlinked.has(k));
    for (let i = 0; i < keys.length; i++) {
      for (let j = i + 1; j < keys.length; j++) {
        const pair = linkKey(keys[i], keys[j]);
        if (this.byPair.has(pair)) this.record(pair, item);
      }
    }
  }

  /** A removed link per active rejection whose two identities are nodes of the re-derived graph. */
  removedLinks(graph: GraphState): LinkState[] {
    const out: LinkState[] = [];
    for (const [pair, r] of this.byPair) {
      const [a, b] = ends(r);
      if (!graph.nodes.has(a) || !graph.nodes.has(b)) continue;
      const seen = this.seen.get(pair) ?? { firstSeen: r.at, lastSeen: r.at, sources: [], createdBy: r.eventId };
      const status = 'removed' as const;
      out.push({ key: pair, a, b, ...seen, status, removedAt: r.at, removedBy: r.eventId, reason: REMOVAL_REASONS.rejected });
    }
    return out;
  }

  private record(pair: string, item: GraphItem): void {
    const current = this.seen.get(pair);
    if (!current) {
      this.seen.set(pair, { firstSeen: item.timestamp, lastSeen: item.timestamp, sources: [item.source], createdBy: item.itemId });
      return;
    }
    current.firstSeen = Math.min(current.firstSeen, item.timestamp);
    current.lastSeen = Math.max(current.lastSeen, item.timestamp);
    if (!current.sources.includes(item.source)) current.sources.push(item.source);
  }
}

/** The pair's two identity keys in link order (a < b), as every link record holds them. */
function ends(r: ActiveRejection): [IdentityKey, IdentityKey] {
  const x = identityKey(r.from);
  const y = identityKey(r.to);
  return x < y ? [x, y] : [y, x];
}
