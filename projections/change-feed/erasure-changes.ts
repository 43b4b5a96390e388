import { profileIdsNamed, type ChangeItem } from './change-item';
import { erasureId } from './number-changes';

export interface FeedErasure {
  /** Items about an erased profile: removed from the feed. */
  remove: string[];
  /** Other profiles' items that named an erased one (a merge, a split): kept, without the erased ids. */
  rewrite: ChangeItem[];
  /** One `profile.erased` per erased profile the feed had named, in profile id order. */
  notices: ChangeItem[];
}

/**
 * What an erasure does to the feed: every stored item naming one of the subject's profiles either goes (it is about
 * them) or loses their ids (it is about someone else), and each of those profiles gets a `profile.erased` notice,
 * which carries nothing but the pseudonymous id a consumer needs to forget it. `named` holds the stored items
 * naming any erased or redacted id, `current` the erased profiles that exist now (noticed even if the feed never
 * named them, e.g. data older than the feed); `firstOrdinal` continues the erasure numbering at that checkpoint.
 * `redacted`: profiles that held the subject and stay (an erasure of one identity of theirs): their
 * `computed.changed` items lose the value, which may have counted the subject's events. `redactBefore`: only items
 * whose id sorts before this cause key (the SubjectErased event's) lose it: from that event on, the values were
 * computed by its re-derivation, from a log that no longer reads the subject.
 */
export function eraseFromFeed(
  erased: ReadonlySet<string>,
  named: readonly ChangeItem[],
  current: readonly string[],
  checkpointKey: string,
  at: number,
  firstOrdinal = 0,
  redacted: ReadonlySet<string> = new Set(),
  redactBefore?: string,
): FeedErasure {
  const remove: string[] = [];
  const rewrite: ChangeItem[] = [];
  const known = new Set<string>(current.filter((id) => erased.has(id)));
  for (const item of named) {
    profileIdsNamed(item).filter((id) => erased.has(id)).forEach((id) => known.add(id));
    if (erased.has(item.profileId)) remove.push(item.id);
    else if (redacted.has(item.profileId) && item.type === 'computed.changed' && (redactBefore === undefined || item.id < redactBefore)) rewrite.push(withoutValue(withoutErased(item, erased)));
    else if (profileIdsNamed(item).some((id) => erased.has(id))) rewrite.push(withoutErased(item, erased));
  }
  const iso = new Date(at).toISOString();
  const notices = [...known].sort().map((profileId, i): ChangeItem => ({
    id: erasureId(checkpointKey, firstOrdinal + i),
    type: 'profile.erased',
    at: iso,
    profileId,
  }));
  return { remove, rewrite, notices };
}

function withoutValue(item: ChangeItem): ChangeItem {
  const { value: _value, ...rest } = item;
  return rest;
}

function withoutErased(item: ChangeItem, erased: ReadonlySet<string>): ChangeItem {
  const copy: ChangeItem = { ...item };
  if (item.mergedFrom) copy.mergedFrom = item.mergedFrom.filter((id) => !erased.has(id));
  if (item.into) copy.into = item.into.filter((id) => !erased.has(id));
  return copy;
}
