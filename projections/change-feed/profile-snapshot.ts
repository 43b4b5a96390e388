import type { IdentityKey } from '../model';
import { mergeFragments, type Fragment } from '../unified-profile';
import type { ProfileSnapshot } from './profile-changes';

/** What a snapshot reads of the projector's loaded state; the projector adapts its scope to it. */
export interface SnapshotSource {
  /** The identities of a graph now; empty or absent when the graph is gone. */
  members(graphId: IdentityKey): ReadonlySet<IdentityKey> | undefined;
  fragmentsOf(primaryKey: IdentityKey): readonly Fragment[];
  eventCount(primaryKey: IdentityKey): number;
  profileIdOf(graphId: IdentityKey): string;
}

/**
 * The snapshot of a graph's profile, or undefined when the graph has none (the rule of the profile projection: two
 * or more identities, or one with records or events). Attributes are merged by the default policy, as the stored
 * profile is.
 */
export function snapshotProfile(source: SnapshotSource, graphId: IdentityKey): ProfileSnapshot | undefined {
  const members = [...(source.members(graphId) ?? [])].sort();
  if (members.length === 0) return undefined;
  const fragments = members.flatMap((key) => source.fragmentsOf(key));
  if (members.length < 2 && fragments.length === 0 && source.eventCount(members[0]) === 0) return undefined;
  const attributes = canonicalJson(mergeFragments(fragments).attributes);
  return { graphId, profileId: source.profileIdOf(graphId), members, attributes };
}

/** JSON with object keys sorted at every level: equal values render equal whatever their insertion order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
