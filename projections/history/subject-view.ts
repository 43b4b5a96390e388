import type { GraphState } from '../identity-graph';
import type { IdentityKey, LinkState } from '../model';
import { flattenAttributes, mergeFragments, type AttributeMerge, type Fragment } from '../unified-profile';

/**
 * What one subject's profile looks like at one step of its history: the identities of the subject's graph, every
 * link touching them (copied: the fold mutates its records in place) and the merged attribute leaves.
 */
export interface SubjectView {
  members: ReadonlySet<IdentityKey>;
  links: ReadonlyMap<string, LinkState>;
  leaves: ReadonlyMap<string, unknown>;
}

export const EMPTY_VIEW: SubjectView = { members: new Set(), links: new Map(), leaves: new Map() };

/** The subject's graph and its links; an identity not seen yet has no graph (empty members). */
export function graphView(state: GraphState, subject: IdentityKey): Pick<SubjectView, 'members' | 'links'> {
  const node = state.nodes.get(subject);
  const members = new Set<IdentityKey>(node ? state.members.get(node.graphId) : []);
  const links = new Map<string, LinkState>();
  for (const key of members) {
    for (const lk of state.linksByNode.get(key) ?? []) {
      if (!links.has(lk)) links.set(lk, { ...state.links.get(lk)! });
    }
  }
  return { members, links };
}

/** The merged attributes of the fragments of these primary identities, as leaf path → value. */
export function mergedLeaves(
  members: ReadonlySet<IdentityKey>,
  fragmentsOf: (primaryKey: IdentityKey) => readonly Fragment[],
  policy: AttributeMerge,
): Map<string, unknown> {
  const fragments = [...members].flatMap((key) => fragmentsOf(key));
  const { attributes } = mergeFragments(fragments, policy);
  return new Map(flattenAttributes(attributes).map((leaf) => [leaf.path, leaf.value]));
}

export function sameMembers(x: ReadonlySet<IdentityKey>, y: ReadonlySet<IdentityKey>): boolean {
  if (x.size !== y.size) return false;
  for (const key of x) if (!y.has(key)) return false;
  return true;
}
