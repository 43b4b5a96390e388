import type { ChangeDraft, ProfileAspect } from './change-item';

/**
 * A profile as the change feed compares it: which identities it holds and a canonical rendering of its merged
 * attributes. Only graphs that have a profile have a snapshot.
 */
export interface ProfileSnapshot {
  graphId: string;
  profileId: string;
  /** Identity keys, sorted. */
  members: readonly string[];
  /** Canonical JSON of the merged attributes (keys sorted), so equal attributes compare equal in any rebuild. */
  attributes: string;
}

/**
 * The profile transitions between two states of the same part of the graph (the profiles one log item could
 * change, before and after it). Pure and deterministic: the output is ordered by profile id.
 * - a before-profile whose identities now lie in two or more profiles (or in none) split `into` them;
 * - an after-profile holding identities of other before-profiles (not explained by a split) `mergedFrom` them;
 *   a profile whose id changed because a smaller identity key joined it is such a merge, of one;
 * - an after-profile with a new id that is no such merge was created (out of nothing, or as a split-off piece);
 * - a profile that kept its id, was not split, and whose identities or attributes differ was updated.
 */
export function deriveProfileChanges(before: readonly ProfileSnapshot[], after: readonly ProfileSnapshot[]): ChangeDraft[] {
  const beforeOf = ownerIndex(before);
  const afterOf = ownerIndex(after);
  const changes: ChangeDraft[] = [];
  const splitSources = new Set<string>();
  const beforeIds = new Set(before.map((b) => b.profileId));
  for (const b of sortedById(before)) {
    const into = ownersOf(b.members, afterOf);
    if (into.length === 1) continue;
    splitSources.add(b.profileId);
    changes.push({ type: 'profile.split', profileId: b.profileId, into });
  }
  for (const a of sortedById(after)) {
    const sources = ownersOf(a.members, beforeOf);
    const mergedFrom = sources.filter((id) => id !== a.profileId && !splitSources.has(id));
    if (mergedFrom.length > 0) {
      changes.push({ type: 'profile.merged', profileId: a.profileId, mergedFrom });
    } else if (!beforeIds.has(a.profileId)) {
      changes.push({ type: 'profile.created', profileId: a.profileId });
    } else if (sources.includes(a.profileId) && !splitSources.has(a.profileId)) {
      const changed = aspectsChanged(byId(before, a.profileId)!, a);
      if (changed.length > 0) changes.push({ type: 'profile.updated', profileId: a.profileId, changed });
    }
  }
  return changes;
}

function aspectsChanged(b: ProfileSnapshot, a: ProfileSnapshot): ProfileAspect[] {
  const changed: ProfileAspect[] = [];
  if (b.attributes !== a.attributes) changed.push('attributes');
  if (!sameList(b.members, a.members)) changed.push('identities');
  return changed;
}

function ownerIndex(snapshots: readonly ProfileSnapshot[]): Map<string, string> {
  const owner = new Map<string, string>();
  for (const s of snapshots) for (const key of s.members) owner.set(key, s.profileId);
  return owner;
}

/** The distinct profiles (by the index) that hold any of these identities, sorted. */
function ownersOf(members: readonly string[], index: ReadonlyMap<string, string>): string[] {
  const owners = new Set<string>();
  for (const key of members) {
    const owner = index.get(key);
    if (owner !== undefined) owners.add(owner);
  }
  return [...owners].sort(byCodeUnit);
}

function byId(snapshots: readonly ProfileSnapshot[], profileId: string): ProfileSnapshot | undefined {
  return snapshots.find((s) => s.profileId === profileId);
}

function sortedById(snapshots: readonly ProfileSnapshot[]): ProfileSnapshot[] {
  return [...snapshots].sort((x, y) => byCodeUnit(x.profileId, y.profileId));
}

function sameList(x: readonly string[], y: readonly string[]): boolean {
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

const byCodeUnit = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
