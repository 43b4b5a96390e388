import { identityKey, IdentityKey, IdentityRef } from '../../projections/model';

/**
 * The batch fan-out guard: an identity that one batch links to more than `limit` distinct other identities (a
 * shared test e-mail, a kiosk device) would glue strangers into one graph. Such identities stay on their items
 * but are left out of the items' links (ItemIdentities.unlinked). Returns, per item, the identities to unlink.
 */
export function fanOutUnlinked(items: IdentityRef[][], limit: number): IdentityRef[][] {
  const neighbours = new Map<IdentityKey, Set<IdentityKey>>();
  for (const identities of items) {
    if (identities.length < 2) continue;
    const keys = identities.map(identityKey);
    for (const key of keys) {
      const set = neighbours.get(key) ?? new Set<IdentityKey>();
      for (const other of keys) if (other !== key) set.add(other);
      neighbours.set(key, set);
    }
  }
  const over = new Set([...neighbours].filter(([, set]) => set.size > limit).map(([key]) => key));
  return items.map((identities) => (identities.length < 2 ? [] : identities.filter((i) => over.has(identityKey(i)))));
}
