import type { IdentityKey, LinkState } from '../model';
import type { GraphState } from './graph-state';

export interface GraphComponent {
  graphId: IdentityKey;
  /** Sorted keys. */
  identities: IdentityKey[];
  /** The component's active links, sorted by key. */
  links: LinkState[];
}

/** Every graph the state holds with at least `minSize` identities, sorted by graphId. */
export function components(state: GraphState, minSize = 1): GraphComponent[] {
  const result: GraphComponent[] = [];
  for (const [graphId, members] of state.members) {
    if (members.size < minSize) continue;
    const identities = [...members].sort(byString);
    const links: LinkState[] = [];
    for (const key of identities) {
      for (const lk of state.activeByNode.get(key) ?? []) {
        const link = state.links.get(lk)!;
        if (link.a === key) links.push(link);
      }
    }
    links.sort((x, y) => byString(x.key, y.key));
    result.push({ graphId, identities, links });
  }
  return result.sort((x, y) => byString(x.graphId, y.graphId));
}

/** Every removed link the state holds, sorted by key. */
export function removedLinks(state: GraphState): LinkState[] {
  return [...state.links.values()].filter((l) => l.status === 'removed').sort((x, y) => byString(x.key, y.key));
}

function byString(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
