import { audienceChanges, inFeedOrder, type MembershipTransition, type TimedDraft } from '../../projections/change-feed';
import { positionKey, type AudienceWrites, type ReadModelBatch, type ReadStore } from '../read-store';

/** The hook the audience runtime calls with every transition it decides. */
export interface TransitionSource<T extends MembershipTransition> {
  onTransitions?: (transitions: readonly T[]) => void;
}

/**
 * Runs a batch's audience step and adds the transitions it decided to the same batch's feed items, so they are
 * committed together with the memberships they describe.
 */
export async function withAudienceChanges<X extends MembershipTransition, T>(
  source: TransitionSource<X>,
  writes: ReadModelBatch,
  step: () => Promise<T>,
  /** The log entry the step runs for: transitions that name no position of their own (a definition) take it. */
  entry?: { position: string },
): Promise<T> {
  const collected: X[] = [];
  try {
    return await collectingTransitions(source, collected, step);
  } finally {
    const existing = writes.changes ?? [];
    const located = entry ? collected.map((t) => (t.cause.position === undefined ? { ...t, cause: { ...t.cause, position: entry.position } } : t)) : collected;
    writes.changes = [...existing, ...audienceChanges(existing, located, positionKey)];
  }
}

/** Runs the audience step with its transitions going to `into` instead of wherever they usually go. */
export async function collectingTransitions<X extends MembershipTransition, T>(source: TransitionSource<X>, into: X[], step: () => Promise<T>): Promise<T> {
  const previous = source.onTransitions;
  source.onTransitions = (transitions) => void into.push(...transitions);
  try {
    return await step();
  } finally {
    source.onTransitions = previous;
  }
}

/**
 * Feed drafts of transitions to be numbered after the checkpoint (a chunk of a streamed re-derivation), in the
 * order audienceChanges gives those of a log entry (profile, audience, exit before entry), so one chunk's items
 * keep one order whatever order they were decided in.
 */
export function timedAudienceDrafts(transitions: readonly MembershipTransition[]): TimedDraft[] {
  return inFeedOrder(transitions).map(timedDraftOf);
}

/**
 * The store the audience runtime writes through: transitions it decides outside a batch (lapses, backfills,
 * re-derivations) wait in `pending` and go, as feed items after the checkpoint, into the very commitAudiences
 * that writes the memberships they describe.
 */
export function feedingAudienceStore<X extends MembershipTransition>(store: ReadStore, pending: X[]): ReadStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'commitAudiences') {
        return (writes: AudienceWrites) => {
          const changes = pending.splice(0).map(timedDraftOf);
          return target.commitAudiences(changes.length > 0 ? { ...writes, changes } : writes);
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function timedDraftOf(t: MembershipTransition): TimedDraft {
  const type = t.kind === 'entered' ? 'audience.entered' : 'audience.exited';
  return { type, profileId: t.profileId, audienceId: t.audienceId, at: Date.parse(t.at) };
}
