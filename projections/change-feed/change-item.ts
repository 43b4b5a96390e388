/**
 * The change feed's vocabulary (API.md "Change feed and destinations"). A change item says *that* a profile changed
 * and how, never *to what*: it carries the pseudonymous profile ids and the kind of change, no attribute or
 * identity values. That keeps the feed, every destination's queue and every webhook body free of personal data by
 * construction; the one exception, `computed.changed`'s value, is purged with the subject's other items at erasure.
 */
export const CHANGE_TYPES = [
  'profile.created',
  'profile.updated',
  'profile.merged',
  'profile.split',
  'profile.erased',
  'audience.entered',
  'audience.exited',
  'computed.changed',
] as const;

export type ChangeType = (typeof CHANGE_TYPES)[number];

export function isChangeType(value: string): value is ChangeType {
  return (CHANGE_TYPES as readonly string[]).includes(value);
}

/** What `profile.updated` saw change; both when both did. */
export type ProfileAspect = 'attributes' | 'identities';

/** A change before it is numbered: what a projection contributes for one log item. */
export interface ChangeDraft {
  type: ChangeType;
  profileId: string;
  /** profile.merged: the profiles that no longer exist because they are now part of this one. */
  mergedFrom?: string[];
  /** profile.split: the profiles this one's identities went into (may include its own id). */
  into?: string[];
  /** profile.updated. */
  changed?: ProfileAspect[];
  /** audience.entered / audience.exited. */
  audienceId?: string;
  /** computed.changed. */
  name?: string;
  value?: unknown;
}

/** A numbered change, as stored, listed and delivered. `at` is ISO-8601 UTC with ms. */
export interface ChangeItem extends ChangeDraft {
  id: string;
  at: string;
}

/**
 * The log entry a change comes from. `key` orders like the log (the read store's padded position key); `at` is the
 * entry's log time (epoch ms), so a rebuild reproduces both the ids and the times.
 */
export interface ChangeCause {
  key: string;
  at: number;
}

/** Every profile id an item names: what an erasure looks up and rewrites. */
export function profileIdsNamed(item: ChangeDraft): string[] {
  return [...new Set([item.profileId, ...(item.mergedFrom ?? []), ...(item.into ?? [])])];
}

/**
 * The profile ids an item is indexed under for erasure: a `profile.erased` notice under none, so the purge that
 * follows it (and any later erasure of the same ids) finds nothing of it to remove, and it stays in the feed.
 */
export function erasureRefsOf(item: ChangeDraft): string[] {
  return item.type === 'profile.erased' ? [] : profileIdsNamed(item);
}
