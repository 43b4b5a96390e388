import { identityKey, type IdentityKey } from '../../projections/model';
import { decode, type DecodedEvent, type ItemRef } from '../events';
import type { EventStore } from '../event-store/event-store.port';
import { comparePositions } from '../event-store';
import { graphItemOf, LINK_REJECTIONS_STREAM } from '../read-models';
import { readWholeStream } from './load-rules';

const PARALLEL = 16;

/**
 * The identities a rule event is about, from which its re-derivation starts (rederive-closure.ts): the pair of a
 * link rejection or of the rejection a withdrawal ends, or the identities of the items an erasure points at
 * (SubjectErased `seeds`: items that still name the people the erased subject shared items with). Undefined when
 * the event concerns anyone: a settings change, or an erasure logged without seeds; every graph is then re-derived.
 */
export async function seedsOfRule(log: EventStore, rule: DecodedEvent): Promise<IdentityKey[] | undefined> {
  const { event } = rule;
  switch (event.type) {
    case 'LinkRejected':
      return [identityKey(event.data.from), identityKey(event.data.to)];
    case 'LinkRejectionWithdrawn':
      return pairOfRejection(log, event.data.rejectionId);
    case 'SubjectErased':
      return event.data.seeds && identitiesOfItems(log, event.data.seeds, rule);
    default:
      return undefined;
  }
}

async function pairOfRejection(log: EventStore, rejectionId: string): Promise<IdentityKey[] | undefined> {
  const events = (await readWholeStream(log, LINK_REJECTIONS_STREAM)).map(decode);
  const rejected = events.find((e) => e.event.type === 'LinkRejected' && e.event.data.rejectionId === rejectionId);
  if (!rejected || rejected.event.type !== 'LinkRejected') return undefined;
  return [identityKey(rejected.event.data.from), identityKey(rejected.event.data.to)];
}

/**
 * Every identity the referenced items name as the log reads now (an item erased since names none). Items logged
 * after the rule are left out, so a replay reads the same seeds as the live projector did.
 */
async function identitiesOfItems(log: EventStore, refs: readonly ItemRef[], rule: DecodedEvent): Promise<IdentityKey[]> {
  const keys = new Set<IdentityKey>();
  for (let i = 0; i < refs.length; i += PARALLEL) {
    const part = refs.slice(i, i + PARALLEL);
    const pages = await Promise.all(part.map((r) => log.readStream(r.stream, { fromRevision: r.revision, limit: 1 })));
    for (const [j, [recorded]] of pages.entries()) {
      if (!recorded || recorded.revision !== part[j].revision || comparePositions(recorded.position, rule.position) > 0) continue;
      const item = graphItemOf(decode(recorded));
      for (const identity of item ? [...item.identities, ...(item.unlinked ?? [])] : []) keys.add(identityKey(identity));
    }
  }
  return [...keys].sort();
}
