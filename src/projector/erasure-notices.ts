import { nextOrdinal, numberChanges, type ChangeItem } from '../../projections/change-feed';
import type { DecodedEvent } from '../events';
import { positionKey } from '../read-store';

/**
 * The `profile.erased` notices a SubjectErased event carries (`erasedProfiles`), numbered at its position after the
 * items already there (a re-derivation's): committed with the event, so a reader meets them in log order whichever
 * process wrote the feed, and a rebuild writes the same ids and times (`at` is the event's log time).
 */
export function erasureNotices(decoded: DecodedEvent, existing: readonly ChangeItem[] = []): ChangeItem[] {
  if (decoded.event.type !== 'SubjectErased') return [];
  const profileIds = decoded.event.data.erasedProfiles ?? [];
  if (profileIds.length === 0) return [];
  const key = positionKey(decoded.position);
  const drafts = [...new Set(profileIds)].sort().map((profileId) => ({ type: 'profile.erased' as const, profileId }));
  return numberChanges({ key, at: decoded.recordedAt.getTime() }, drafts, nextOrdinal(existing, key));
}
