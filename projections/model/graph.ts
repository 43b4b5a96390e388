import type { IdentityKey } from './identity';

/**
 * The identity graph as plain, serialisable records: what the projection folds, what the read store persists and
 * what the projector loads back (only the affected part) before applying the next items. Times are epoch ms.
 */
export interface IdentityNode {
  key: IdentityKey;
  namespace: string;
  id: string;
  firstSeen: number;
  lastSeen: number;
  /**
   * The component this identity belongs to, named by its smallest identity key, so the same log always yields the
   * same graph ids. A lone identity (no active link) has graphId === key.
   */
  graphId: IdentityKey;
}

export type LinkStatus = 'active' | 'removed';

export interface LinkState {
  /** `${a}|${b}` with a < b (code-unit order); one record per observed pair. */
  key: string;
  a: IdentityKey;
  b: IdentityKey;
  firstSeen: number;
  lastSeen: number;
  /** Sources that observed this pair, in first-seen order, without repeats. */
  sources: string[];
  /** The item (log event id) that first observed the pair. */
  createdBy: string;
  status: LinkStatus;
  /** For removed links: when (the removing item's time), by which item, and the rule that decided it. */
  removedAt?: number;
  removedBy?: string;
  reason?: string;
}

export function linkKey(a: IdentityKey, b: IdentityKey): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
