import type { IdentityKey, LinkState } from '../model';

/** One hop of an explanation, oriented along the chain: `from` is the end nearer the start. */
export interface ExplainStep {
  from: IdentityKey;
  to: IdentityKey;
  link: LinkState;
}

/**
 * Why two identities are one graph: the shortest chain of ACTIVE links joining them (breadth-first). Neighbours are
 * visited in key order, so the same graph always yields the same chain. [] when `from` is `to`; undefined when no
 * chain of active links joins them (removed links explain nothing: they no longer hold the graph together).
 */
export function explainPath(links: Iterable<LinkState>, from: IdentityKey, to: IdentityKey): ExplainStep[] | undefined {
  if (from === to) return [];
  const adjacency = activeAdjacency(links);
  const cameBy = new Map<IdentityKey, ExplainStep>();
  const seen = new Set([from]);
  let frontier = [from];
  while (frontier.length > 0 && !seen.has(to)) {
    const next: IdentityKey[] = [];
    for (const key of frontier) {
      for (const [other, link] of adjacency.get(key) ?? []) {
        if (seen.has(other)) continue;
        seen.add(other);
        cameBy.set(other, { from: key, to: other, link });
        next.push(other);
      }
    }
    frontier = next;
  }
  return seen.has(to) ? chainTo(cameBy, to) : undefined;
}

function activeAdjacency(links: Iterable<LinkState>): Map<IdentityKey, [IdentityKey, LinkState][]> {
  const adjacency = new Map<IdentityKey, [IdentityKey, LinkState][]>();
  const add = (key: IdentityKey, other: IdentityKey, link: LinkState) => {
    const list = adjacency.get(key);
    if (list) list.push([other, link]);
    else adjacency.set(key, [[other, link]]);
  };
  for (const link of links) {
    if (link.status !== 'active') continue;
    add(link.a, link.b, link);
    add(link.b, link.a, link);
  }
  for (const list of adjacency.values()) list.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return adjacency;
}

function chainTo(cameBy: ReadonlyMap<IdentityKey, ExplainStep>, to: IdentityKey): ExplainStep[] {
  const chain: ExplainStep[] = [];
  for (let step = cameBy.get(to); step !== undefined; step = cameBy.get(step.from)) chain.push(step);
  return chain.reverse();
}
