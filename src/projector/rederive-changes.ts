import { deriveProfileChanges, numberChanges, type ChangeItem } from '../../projections/change-feed';
import type { RecordedEvent } from '../event-store/event-store.port';
import { snapshotOfStoredProfile } from '../read-models';
import { positionKey, type ProfileRecord, type ReadModelBatch, type ReadStore } from '../read-store';

/** Past this many graphs, reading every profile in pages beats reading them one by one. */
const LIST_ALL_ABOVE = 5_000;

/**
 * The feed items of a re-derivation (a settings change, a link rejection, an erasure that reached other people):
 * the stored profiles of the graphs it re-derived (those of the nodes it writes, and those it deletes) before it,
 * against the profiles it writes, numbered at the rule event's position. Read before the writes are committed, so
 * the store still holds the profiles as they were. A rejection re-derives only its pair's closure; so does this.
 */
export async function rederivedChanges(store: ReadStore, writes: ReadModelBatch, rule: RecordedEvent): Promise<ChangeItem[]> {
  const before = await profilesBefore(store, writes);
  const after = writes.profiles?.upsert ?? [];
  const drafts = deriveProfileChanges(before.map(snapshotOfStoredProfile), after.map(snapshotOfStoredProfile));
  return numberChanges({ key: positionKey(rule.position), at: rule.recordedAt.getTime() }, drafts);
}

async function profilesBefore(store: ReadStore, writes: ReadModelBatch): Promise<ProfileRecord[]> {
  const keys = (writes.nodes?.upsert ?? []).map((n) => n.key);
  const graphIds = new Set<string>(writes.profiles?.delete ?? []);
  for (let i = 0; i < keys.length; i += 500) (await store.getNodes(keys.slice(i, i + 500))).forEach((n) => graphIds.add(n.graphId));
  if (graphIds.size > LIST_ALL_ABOVE) return (await storedProfiles(store)).filter((p) => graphIds.has(p.graphId));
  const found = await Promise.all([...graphIds].map((g) => store.getProfile(g)));
  return found.filter((p): p is ProfileRecord => p !== undefined);
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
