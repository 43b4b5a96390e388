import { linkKey, type IdentityKey, type LinkState } from '../model';
import type { ChangeLog } from './change-log';
import { putLink, setActive, type GraphState } from './graph-state';
import type { RemovalReason } from './graph-item';

/**
 * Records one observation of a pair: creates the link (inactive until the linking rules accept it) or refreshes it.
 * Items may arrive out of time order, so first-seen is the earliest observation time and last-seen the latest.
 */
export function observeLink(state: GraphState, x: IdentityKey, y: IdentityKey, log: ChangeLog): LinkState {
  const key = linkKey(x, y);
  const { item } = log;
  const existing = state.links.get(key);
  log.links.add(key);
  if (existing) {
    existing.firstSeen = Math.min(existing.firstSeen, item.timestamp);
    existing.lastSeen = Math.max(existing.lastSeen, item.timestamp);
    if (!existing.sources.includes(item.source)) existing.sources.push(item.source);
    return existing;
  }
  const [a, b] = x < y ? [x, y] : [y, x];
  const link: LinkState = {
    key,
    a,
    b,
    firstSeen: item.timestamp,
    lastSeen: item.timestamp,
    sources: [item.source],
    createdBy: item.itemId,
    status: 'removed',
  };
  putLink(state, link);
  log.added.add(key);
  return link;
}

export function activateLink(state: GraphState, link: LinkState, log: ChangeLog): void {
  if (link.status === 'active') return;
  // A link observed by this very item is new, not restored; only links removed earlier count as restored.
  if (!log.added.has(link.key)) log.restored.add(link.key);
  delete link.removedAt;
  delete link.removedBy;
  delete link.reason;
  setActive(state, link, true);
  log.links.add(link.key);
}

/** Removes an active link; a link removed earlier keeps the item and rule that removed it first. */
export function removeLink(state: GraphState, link: LinkState, reason: RemovalReason, log: ChangeLog): void {
  if (link.status === 'removed') return;
  link.removedAt = log.item.timestamp;
  link.removedBy = log.item.itemId;
  link.reason = reason;
  setActive(state, link, false);
  log.restored.delete(link.key);
  log.removed.set(link.key, reason);
  log.links.add(link.key);
}
