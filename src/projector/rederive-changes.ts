import { deriveProfileChanges, numberChanges, type ChangeDraft, type ChangeItem, type TimedDraft } from '../../projections/change-feed';
import type { Position } from '../event-store';
import { snapshotOfStoredProfile } from '../read-models';
import { positionKey, type ProfileRecord, type ReadModelBatch, type ReadStore } from '../read-store';

/** Where and when the rule event was logged: what its feed items are numbered and timed by. */
type RuleMoment = { position: Position; recordedAt: Date };

/** Past this many graphs, reading every profile in pages beats reading them one by one. */
const LIST_ALL_ABOVE = 5_000;

/**
 * The feed items of a re-derivation (a settings change, a link rejection, an erasure that reached other people):
 * the stored profiles of the graphs it re-derived (those of the nodes it writes, and those it deletes) before it,
 * against the profiles it writes, numbered at the rule event's position. Read before the writes are committed, so
 * the store still holds the profiles as they were. A rejection re-derives only its pair's closure; so does this.
 */
export async function rederivedChanges(store: ReadStore, writes: ReadModelBatch, rule: RuleMoment): Promise<ChangeItem[]> {
  return numberChanges({ key: positionKey(rule.position), at: rule.recordedAt.getTime() }, await rederivedDrafts(store, writes));
}

/**
 * The same for a chunk of a streamed re-derivation committed between two batches: the store numbers them after
 * its checkpoint (changesAfterCheckpoint), so they sort after every item already at it; `at` is the rule's time.
 */
export async function rederivedTimedDrafts(store: ReadStore, writes: ReadModelBatch, rule: RuleMoment): Promise<TimedDraft[]> {
  return (await rederivedDrafts(store, writes)).map((draft) => ({ ...draft, at: rule.recordedAt.getTime() }));
}

async function rederivedDrafts(store: ReadStore, writes: ReadModelBatch): Promise<ChangeDraft[]> {
  const before = await profilesBefore(store, writes);
  const after = writes.profiles?.upsert ?? [];
  return deriveProfileChanges(before.map(snapshotOfStoredProfile), after.map(snapshotOfStoredProfile));
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
