import type { ChangeCause, ChangeDraft, ChangeItem } from './change-item';
import { nextOrdinals, numberChanges } from './number-changes';

/** An audience membership transition as projections/audiences decides it (its Transition fits). */
export interface MembershipTransition {
  profileId: string;
  audienceId: string;
  kind: 'entered' | 'exited';
  /** ISO-8601: the log time of the cause. */
  at: string;
  cause: { position?: string };
}

/**
 * audience.entered / audience.exited items for the transitions a batch's log entries caused, numbered after the
 * profile items of the same entry, in a stable order (profile, audience, exit before entry). `keyOf` turns a log
 * position into the feed's ordered key. Transitions without a log position (a lapsing window, a backfill) are
 * left out: they are not caused by an entry of this batch.
 */
export function audienceChanges(
  existing: readonly ChangeItem[],
  transitions: readonly MembershipTransition[],
  keyOf: (position: string) => string,
): ChangeItem[] {
  const byCause = new Map<string, { cause: ChangeCause; drafts: ChangeDraft[] }>();
  for (const t of inFeedOrder(transitions)) {
    if (t.cause.position === undefined) continue;
    const key = keyOf(t.cause.position);
    const group = byCause.get(key) ?? { cause: { key, at: Date.parse(t.at) }, drafts: [] };
    group.drafts.push({ type: t.kind === 'entered' ? 'audience.entered' : 'audience.exited', profileId: t.profileId, audienceId: t.audienceId });
    byCause.set(key, group);
  }
  const taken = nextOrdinals(existing);
  return [...byCause.values()].flatMap(({ cause, drafts }) => numberChanges(cause, drafts, taken.get(cause.key) ?? 0));
}

/** The order of one cause's audience items: profile, audience, exit before entry (whatever order they were decided in). */
export function inFeedOrder<X extends MembershipTransition>(transitions: readonly X[]): X[] {
  return [...transitions].sort((a, b) => cmp(a.profileId, b.profileId) || cmp(a.audienceId, b.audienceId) || cmp(b.kind, a.kind));
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
