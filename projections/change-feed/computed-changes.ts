import type { ChangeDraft } from './change-item';

/** name → value of one profile's computed attributes, as the profile body shows them. */
export type ComputedValueMap = Readonly<Record<string, unknown>>;

/**
 * `computed.changed` drafts for one profile: one per name whose value differs between `before` and `after`, in name
 * order, carrying the new value (API.md: `"name", "value"`). A name `before` lacks (a new profile, a new definition)
 * counts from `zero`, the value over nothing, so a profile whose attribute still counts nothing is not reported.
 * Names only `before` holds (a deleted definition) are not reported: the definition's deletion is the news.
 */
export function computedChanges(
  profileId: string,
  before: ComputedValueMap | undefined,
  after: ComputedValueMap,
  zero: ComputedValueMap,
): ChangeDraft[] {
  const drafts: ChangeDraft[] = [];
  for (const name of Object.keys(after).sort(byCodeUnit)) {
    const previous = before !== undefined && Object.hasOwn(before, name) ? before[name] : zero[name];
    if (!sameValue(previous, after[name])) drafts.push({ type: 'computed.changed', profileId, name, value: after[name] });
  }
  return drafts;
}

/** Values are JSON (numbers, strings, lists, null) produced by the same aggregates: equal renders are equal values. */
function sameValue(x: unknown, y: unknown): boolean {
  return x === y || JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
}

const byCodeUnit = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
