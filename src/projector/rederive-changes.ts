import { deriveProfileChanges, numberChanges, type ChangeItem } from '../../projections/change-feed';
import type { RecordedEvent } from '../event-store/event-store.port';
import { snapshotOfStoredProfile } from '../read-models';
import { positionKey } from '../read-store/position-key';
import type { ProfileRecord, ReadModelBatch, ReadStore } from '../read-store';

/**
 * The feed items of a re-derivation (a settings change, a link rejection, an erasure that reached other people):
 * every stored profile before it against every profile it writes, numbered at the rule event's position. Read
 * before the writes are committed, so the store still holds the profiles as they were.
 */
export async function rederivedChanges(store: ReadStore, writes: ReadModelBatch, rule: RecordedEvent): Promise<ChangeItem[]> {
  const before = await storedProfiles(store);
  const after = writes.profiles?.upsert ?? [];
  const drafts = deriveProfileChanges(before.map(snapshotOfStoredProfile), after.map(snapshotOfStoredProfile));
  return numberChanges({ key: positionKey(rule.position), at: rule.recordedAt.getTime() }, drafts);
}

async function storedProfiles(store: ReadStore): Promise<ProfileRecord[]> {
  const out: ProfileRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listProfiles({ limit: 1000, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
