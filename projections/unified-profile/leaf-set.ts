import { ancestorPaths, PATH_SEPARATOR, type LeafValue } from './attribute-path';

/**
 * A set of leaves kept as an array sorted by path (code-unit order). Sorting makes every path's descendants one
 * contiguous run (all paths starting with `path + '.'`), found by binary search, so a write costs O(log n) lookups
 * plus one splice instead of a scan of the whole set.
 *
 * Two paths are RELATED when one is a prefix (in whole keys) of the other or they are equal: they cannot both hold
 * a value in one document, because a leaf at 'a' (a scalar or array) and a leaf at 'a.b' (which makes 'a' an
 * object) contradict each other.
 */
export interface PathLeaf {
  readonly path: string;
  readonly value: LeafValue | null;
}

/** Strict order between two leaves: true when `a` must win over `b`. */
export type Supersedes<L> = (a: L, b: L) => boolean;

/** Index of the first leaf in [low, high) whose path is not below `path`. */
export function lowerBound(leaves: readonly PathLeaf[], path: string, low = 0, high = leaves.length): number {
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (leaves[mid].path < path) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function indexOfPath(leaves: readonly PathLeaf[], path: string): number {
  const at = lowerBound(leaves, path);
  return at < leaves.length && leaves[at].path === path ? at : -1;
}

/** Indexes of the leaves at ancestors of `path`; they all sort before `before`, where `path` is or would be. */
function ancestorIndexes(leaves: readonly PathLeaf[], path: string, before = leaves.length): number[] {
  const found: number[] = [];
  for (const ancestor of ancestorPaths(path)) {
    const at = lowerBound(leaves, ancestor, 0, before);
    if (at < before && leaves[at].path === ancestor) found.push(at);
  }
  return found;
}

/**
 * [start, end) of the leaves strictly under `path`, searching from `from`, the first index past `path` itself.
 * Usually the leaf right there is already past `path + '.'` or under it, which spares a binary search.
 */
function descendantRange(leaves: readonly PathLeaf[], path: string, from = 0): [number, number] {
  const prefix = path + PATH_SEPARATOR;
  const start = from < leaves.length && leaves[from].path >= prefix ? from : lowerBound(leaves, prefix, from);
  let end = start;
  while (end < leaves.length && leaves[end].path.startsWith(prefix)) end++;
  return [start, end];
}

/**
 * Writes `write` into the sorted `leaves` (mutated in place: callers pass their own copy) under one rule: a write
 * supersedes every leaf it beats at a related path, and is superseded by any related leaf that beats it.
 * - A leaf at the same path or an ancestor that beats the write: the write changes nothing. (An ancestor that
 *   beats it also beats anything it could ever beat, so nothing needs to be remembered.)
 * - Leaves under the path that the write beats are dropped; those that beat it stay, and the write is then kept
 *   with value null, as a marker that the path was written at that time.
 * - Ancestors the write beats keep their entry as such a marker, with value null.
 * So a value is non-null only while no related leaf beats it, and the result does not depend on the order of
 * writes: it is the same as applying them one after another from the weakest to the strongest.
 */
export function writeLeaf<L extends PathLeaf>(leaves: L[], write: L, supersedes: Supersedes<L>): void {
  const at = lowerBound(leaves, write.path);
  const existing = at < leaves.length && leaves[at].path === write.path ? leaves[at] : undefined;
  if (existing !== undefined && !supersedes(write, existing)) return;
  const ancestors = ancestorIndexes(leaves, write.path, at);
  if (ancestors.some((i) => supersedes(leaves[i], write))) return;
  const shadowed = dropBeatenDescendants(leaves, write, existing === undefined ? at : at + 1, supersedes);
  for (const i of ancestors) if (leaves[i].value !== null) leaves[i] = { ...leaves[i], value: null };
  const leaf = shadowed ? { ...write, value: null } : write;
  if (existing !== undefined) leaves[at] = leaf;
  else leaves.splice(at, 0, leaf);
}

/** Drops the leaves under the write that it beats; true when some stay (they beat the write). */
function dropBeatenDescendants<L extends PathLeaf>(
  leaves: L[],
  write: L,
  from: number,
  supersedes: Supersedes<L>,
): boolean {
  const [start, end] = descendantRange(leaves, write.path, from);
  if (start === end) return false;
  const kept = leaves.slice(start, end).filter((leaf) => supersedes(leaf, write));
  leaves.splice(start, end - start, ...kept);
  return kept.length > 0;
}

/** True when some leaf of the set lies at, above or under `path`. */
export function hasRelatedLeaf(leaves: readonly PathLeaf[], path: string): boolean {
  if (indexOfPath(leaves, path) >= 0 || ancestorIndexes(leaves, path).length > 0) return true;
  const [start, end] = descendantRange(leaves, path);
  return start < end;
}

export function insertLeaf<L extends PathLeaf>(leaves: L[], leaf: L): void {
  leaves.splice(lowerBound(leaves, leaf.path), 0, leaf);
}

export function visibleLeaves<L extends PathLeaf>(leaves: readonly L[]): L[] {
  return leaves.filter((leaf) => leaf.value !== null);
}
