import { audienceChanges, nextOrdinal, numberChanges, type ChangeItem } from '../../projections/change-feed';
import type { Transition } from '../../projections/audiences';
import type { DecodedEvent } from '../events';
import type { ComputedRuntime } from '../computed-attributes';
import type { AudienceRuntime } from '../audiences/runtime';
import { positionKey, type ReadModelBatch } from '../read-store';
import { collectingTransitions, timedAudienceDrafts } from './audience-feed';

/**
 * Where a re-derivation's feed items go: numbered at its rule event, after the items already there (a commit at the
 * rule's position: a closure, a walk's first chunk), or by the store after the checkpoint (a walk's chunk between
 * batches, `changesAfterCheckpoint`).
 */
export type RefreshFeed = 'atRule' | 'afterCheckpoint';

/**
 * A re-derivation's batch with what it does to computed values and audience memberships folded in, so the store
 * commits the graphs, their values, their memberships and every feed item about them together, with the step's
 * checkpoint: a crash can no longer leave re-derived graphs with the values and memberships of the graphs they
 * replaced (a rebuild would not). Read before the commit, against the members the batch gives each graph.
 */
export async function withRefresh(
  computed: ComputedRuntime,
  audiences: AudienceRuntime,
  writes: ReadModelBatch,
  rule: DecodedEvent,
  feed: RefreshFeed,
): Promise<ReadModelBatch> {
  const at = rule.recordedAt.getTime();
  const values = await computed.rederived(writes, at);
  const transitions: Transition[] = [];
  const kind = rule.event.type === 'SubjectErased' ? 'erasure' : 'split';
  const moved = await collectingTransitions(audiences, transitions, () => audiences.rederived(writes, values?.values ?? new Map(), rule, kind));
  const out: ReadModelBatch = { ...writes, ...(values ? { computed: values.writes } : {}), ...(moved ? { audiences: moved } : {}) };
  const valueDrafts = values?.changes ?? [];
  if (feed === 'afterCheckpoint') {
    out.changesAfterCheckpoint = [...(writes.changesAfterCheckpoint ?? []), ...valueDrafts, ...timedAudienceDrafts(transitions)];
    return out;
  }
  const key = positionKey(rule.position);
  const existing: ChangeItem[] = writes.changes ?? [];
  const valueItems = numberChanges({ key, at }, valueDrafts.map(({ at: _at, ...draft }) => draft), nextOrdinal(existing, key));
  const withValues = [...existing, ...valueItems];
  out.changes = [...withValues, ...audienceChanges(withValues, transitions, positionKey)];
  return out;
}
