import type { IdentityKey } from '../model';
import { byCodeUnit, setOwn, unflattenLeaves } from './attribute-path';
import { isNewer, type Fragment, type FragmentLeaf } from './fragment.projection';
import { hasRelatedLeaf, insertLeaf, visibleLeaves, writeLeaf } from './leaf-set';
import { DEFAULT_ATTRIBUTE_MERGE, type AttributeMerge, type IdentityStitching } from './merge-policy';

/** Where a leaf's value came from; timestamp is the record's own time, ISO-8601 UTC with ms. */
export interface LeafProvenance {
  source: string;
  timestamp: string;
  recordId: string;
}

export interface MergedAttributes {
  attributes: Record<string, unknown>;
  /**
   * Keyed by leaf path ('a.b'); one entry per leaf present in `attributes`. The keys hold '.', so a MongoDB read
   * model must store this as an opaque value (or re-key it), never as field names.
   */
  provenance: Record<string, LeafProvenance>;
  /** Sources whose fragments took part in the merge (whether or not a value of theirs won), code-unit order. */
  sources: string[];
}

type SourcedLeaf = FragmentLeaf & { source: string };

/**
 * The unified attributes of the given fragments under one policy. The caller picks the fragments (every fragment
 * of the graph, or see `stitchFragments`); this function merges exactly what it is given.
 * - timestampOrdered: the same outcome as folding every record of every fragment into one fragment.
 * - sourcePrecedence: unlisted sources are left out. Each listed source's fragments are first merged by timestamp;
 *   then sources are taken in order, and a leaf is taken from the first source that has it unless a leaf already
 *   taken from a preferred source lies at a related path (a preferred scalar at 'a' keeps 'a.b' out, a preferred
 *   'a.b' keeps a scalar 'a' out). A source's deleted leaf is one it does not have: the next source's value shows.
 * Leaf values (arrays included) are shared with the fragments, not copied: treat both as immutable.
 */
export function mergeFragments(
  fragments: readonly Fragment[],
  policy: AttributeMerge = DEFAULT_ATTRIBUTE_MERGE,
): MergedAttributes {
  if (policy.type === 'timestampOrdered') return toMerged(newestLeaves(fragments), fragments);
  const rank = new Map<string, number>();
  for (const source of policy.order) if (!rank.has(source)) rank.set(source, rank.size);
  const listed = fragments.filter((fragment) => rank.has(fragment.source));
  const bySource = [...rank.keys()].map((source) => listed.filter((fragment) => fragment.source === source));
  const taken: SourcedLeaf[] = [];
  for (const group of bySource) {
    for (const leaf of newestLeaves(group)) if (!hasRelatedLeaf(taken, leaf.path)) insertLeaf(taken, leaf);
  }
  return toMerged(taken, listed);
}

/** The visible leaves of the timestampOrdered merge of the fragments, each tagged with its source. */
function newestLeaves(fragments: readonly Fragment[]): SourcedLeaf[] {
  if (fragments.length === 1) return tagged(fragments[0], visibleLeaves(fragments[0].leaves));
  const merged: SourcedLeaf[] = [];
  for (const fragment of fragments) {
    // Superseded and deleted entries go in too: they still outrank older writes in other fragments.
    for (const leaf of tagged(fragment, fragment.leaves)) writeLeaf<SourcedLeaf>(merged, leaf, isNewer);
  }
  return visibleLeaves(merged);
}

function tagged(fragment: Fragment, leaves: readonly FragmentLeaf[]): SourcedLeaf[] {
  const { source } = fragment;
  // An explicit literal, not a spread: this runs on every leaf of every merge, and a spread costs several times more.
  return leaves.map(({ path, value, timestamp, logSeq, recordId }) => {
    return { path, value, timestamp, logSeq, recordId, source };
  });
}

function toMerged(leaves: readonly SourcedLeaf[], fragments: readonly Fragment[]): MergedAttributes {
  const provenance: Record<string, LeafProvenance> = {};
  // The leaves of one record share its timestamp: format each distinct time once.
  const isoTimes = new Map<number, string>();
  for (const leaf of leaves) {
    let timestamp = isoTimes.get(leaf.timestamp);
    if (timestamp === undefined) isoTimes.set(leaf.timestamp, (timestamp = new Date(leaf.timestamp).toISOString()));
    setOwn(provenance, leaf.path, { source: leaf.source, timestamp, recordId: leaf.recordId });
  }
  const sources = [...new Set(fragments.map((fragment) => fragment.source))].sort(byCodeUnit);
  return { attributes: unflattenLeaves(leaves), provenance, sources };
}

/**
 * The fragments a profile read merges: every fragment of the graph ('graph'), or only those whose primary identity
 * is the looked-up identity ('none').
 */
export function stitchFragments(
  fragments: readonly Fragment[],
  stitching: IdentityStitching,
  lookedUp: IdentityKey,
): Fragment[] {
  return stitching === 'graph' ? [...fragments] : fragments.filter((fragment) => fragment.primaryKey === lookedUp);
}
