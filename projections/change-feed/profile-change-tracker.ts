import type { IdentityKey } from '../model';
import type { ChangeDraft } from './change-item';
import { deriveProfileChanges, type ProfileSnapshot } from './profile-changes';
import { snapshotProfile, type SnapshotSource } from './profile-snapshot';

/** The profiles one log item can change, as they were before it. */
export interface BeforeItem {
  snapshots: Map<IdentityKey, ProfileSnapshot | undefined>;
}

/**
 * Follows the profile transitions of a batch item by item, so the feed holds the same items whatever the batch
 * boundaries were (live batches depend on timing; a rebuild's do not): `before` the item, then `after` it, with the
 * graphs it could have touched. Snapshots are cached between items; an item that cannot change attributes (an
 * event, a link) reuses the cached attributes of a graph whose identities did not change, so the common case (an
 * event in an existing profile) merges nothing.
 */
export class ProfileChangeTracker {
  private readonly cache = new Map<IdentityKey, ProfileSnapshot | undefined>();

  constructor(private readonly source: SnapshotSource) {}

  before(graphIds: Iterable<IdentityKey>): BeforeItem {
    const snapshots = new Map<IdentityKey, ProfileSnapshot | undefined>();
    for (const graphId of graphIds) snapshots.set(graphId, this.snapshot(graphId));
    return { snapshots };
  }

  /** `graphIds`: the graphs the item's identities are in now, and those any node it moved went to. */
  after(before: BeforeItem, graphIds: Iterable<IdentityKey>, attributesMayChange: boolean): ChangeDraft[] {
    const ids = new Set([...before.snapshots.keys(), ...graphIds]);
    const after: ProfileSnapshot[] = [];
    for (const graphId of ids) {
      const previous = this.cache.get(graphId);
      this.cache.delete(graphId);
      const fresh = this.freshSnapshot(graphId, previous, attributesMayChange);
      this.cache.set(graphId, fresh);
      if (fresh) after.push(fresh);
    }
    const beforeList = [...before.snapshots.values()].filter((s): s is ProfileSnapshot => s !== undefined);
    return deriveProfileChanges(beforeList, after);
  }

  private snapshot(graphId: IdentityKey): ProfileSnapshot | undefined {
    if (!this.cache.has(graphId)) this.cache.set(graphId, snapshotProfile(this.source, graphId));
    return this.cache.get(graphId);
  }

  private freshSnapshot(graphId: IdentityKey, previous: ProfileSnapshot | undefined, attributesMayChange: boolean) {
    if (!attributesMayChange && previous) {
      const members = [...(this.source.members(graphId) ?? [])].sort();
      if (members.length === previous.members.length && members.every((k, i) => k === previous.members[i])) return previous;
    }
    return snapshotProfile(this.source, graphId);
  }
}
