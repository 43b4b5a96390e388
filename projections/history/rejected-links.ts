import { REMOVAL_REASONS, type GraphItem, type GraphState } from '../identity-graph';
import { identityKey, linkKey, type IdentityKey, type IdentityRef, type LinkState } from '../model';

/** An operator's rejection in force: the pair, and the log event (id, log time) that rejected it. */
export interface RejectedPair {
  from: IdentityRef;
  to: IdentityRef;
  eventId: string;
  /** Log time of the rejection, epoch ms. */
  at: number;
}

/**
 * The fold ignores observations of rejected pairs, so it holds no record of them. As the projector shows them
 * (src/projector/rederive.ts), each rejected pair whose two identities are nodes becomes a removed link
 * (LINK_REJECTED, removed by the rejection), first/last seen and sources taken from the items that observed it.
 */
export function rejectedPairLinks(
  state: GraphState,
  items: Iterable<GraphItem>,
  rejections: readonly RejectedPair[],
): LinkState[] {
  const byPair = new Map(rejections.map((r) => [linkKey(identityKey(r.from), identityKey(r.to)), r]));
  const seen = new Map<string, Observed>();
  for (const item of items) {
    const unlinked = new Set((item.unlinked ?? []).map(identityKey));
    const keys = item.identities.map(identityKey).filter((k) => !unlinked.has(k));
    for (let i = 0; i < keys.length; i++) {
      for (let j = i + 1; j < keys.length; j++) {
        const pair = linkKey(keys[i], keys[j]);
        if (byPair.has(pair)) observe(seen, pair, item);
      }
    }
  }
  const out: LinkState[] = [];
  for (const [pair, r] of byPair) {
    const [a, b] = ends(r);
    if (!state.nodes.has(a) || !state.nodes.has(b)) continue;
    const observed = seen.get(pair) ?? { firstSeen: r.at, lastSeen: r.at, sources: [], createdBy: r.eventId };
    const removal = { removedAt: r.at, removedBy: r.eventId, reason: REMOVAL_REASONS.rejected };
    out.push({ key: pair, a, b, ...observed, status: 'removed', ...removal });
  }
  return out;
}

type Observed = Pick<LinkState, 'firstSeen' | 'lastSeen' | 'sources' | 'createdBy'>;

function observe(seen: Map<string, Observed>, pair: string, item: GraphItem) {
  const current = seen.get(pair);
  if (!current) {
    seen.set(pair, { firstSeen: item.timestamp, lastSeen: item.timestamp, sources: [item.source], createdBy: item.itemId });
    return;
  }
  current.firstSeen = Math.min(current.firstSeen, item.timestamp);
  current.lastSeen = Math.max(current.lastSeen, item.timestamp);
  if (!current.sources.includes(item.source)) current.sources.push(item.source);
}

function ends(r: RejectedPair): [IdentityKey, IdentityKey] {
  const [x, y] = [identityKey(r.from), identityKey(r.to)];
  return x < y ? [x, y] : [y, x];
}
