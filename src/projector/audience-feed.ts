import { audienceChanges, type MembershipTransition } from '../../projections/change-feed';
import { positionKey, type ReadModelBatch } from '../read-store';

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
): Promise<T> {
  const collected: X[] = [];
  const previous = source.onTransitions;
  source.onTransitions = (transitions) => void collected.push(...transitions);
  try {
    return await step();
  } finally {
    source.onTransitions = previous;
    const existing = writes.changes ?? [];
    writes.changes = [...existing, ...audienceChanges(existing, collected, positionKey)];
  }
}
