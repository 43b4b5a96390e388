import { unprocessable } from '../../common';
import type { DecodedEvent } from '../../events';
import type { EventStore } from '../../event-store/event-store.port';
import { comparePositions } from '../../event-store';
import { graphItemOf } from '../../read-models';
import type { ReadStore } from '../../read-store/read-store.port';
import { identityKey, type IdentityKey } from '../../../projections/model';
import { readIndexedItems } from './log-reads';

/** A subject whose items reach further than this is refused (422 AS_OF_TOO_LARGE) rather than folded slowly. */
export const MAX_SUBJECT_ITEMS = 10_000;
/** Index rows per round: an item has at most 20 identities, so this bounds what one round can hold. */
const MAX_ROWS_PER_ROUND = 20 * MAX_SUBJECT_ITEMS;

/**
 * Every item logged before `recordedBefore` that can bear on the subject's graph, in log order: the co-occurrence
 * closure. Start from the subject; take the items of the identities found so far from the identity→items index;
 * read them from the log; their identities are found too; repeat until nothing new turns up. An item outside the
 * closure shares no identity with it, so it cannot touch any graph inside it: folding the closure alone yields the
 * subject's graph exactly. Cost follows the subject's own history, never the size of the log.
 */
export async function loadSubjectItems(
  store: ReadStore,
  log: EventStore,
  subject: IdentityKey,
  recordedBefore?: number,
): Promise<DecodedEvent[]> {
  const known = new Set<IdentityKey>([subject]);
  const items = new Map<string, DecodedEvent>();
  let frontier: IdentityKey[] = [subject];
  while (frontier.length > 0) {
    const rows = await store.getItemsOfIdentities(frontier, { recordedBefore, limit: MAX_ROWS_PER_ROUND + 1 });
    const fresh = [...new Map(rows.filter((r) => !items.has(r.eventId)).map((r) => [r.eventId, r])).values()];
    if (rows.length > MAX_ROWS_PER_ROUND || items.size + fresh.length > MAX_SUBJECT_ITEMS) throw tooLarge();
    frontier = [];
    for (const decoded of await readIndexedItems(log, fresh)) {
      items.set(decoded.eventId, decoded);
      for (const key of identityKeysOf(decoded)) {
        if (!known.has(key)) frontier.push(key);
        known.add(key);
      }
    }
  }
  return [...items.values()].sort((x, y) => comparePositions(x.position, y.position));
}

function identityKeysOf(decoded: DecodedEvent): IdentityKey[] {
  const item = graphItemOf(decoded);
  return item ? [...item.identities, ...(item.unlinked ?? [])].map(identityKey) : [];
}

function tooLarge() {
  return unprocessable(
    'AS_OF_TOO_LARGE',
    `This identity's history reaches more than ${MAX_SUBJECT_ITEMS} items; it cannot be replayed within one request`,
  );
}
