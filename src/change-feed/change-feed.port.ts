import type { ChangeItem, ChangeType } from '../../projections/change-feed';

export interface ChangeQuery {
  /** Exclusive; absent: from the start of the feed. */
  after?: string;
  /** 1..1000. */
  limit: number;
  /** Any of these types; absent or empty: every type. */
  types?: readonly ChangeType[];
}

/**
 * Reads the change feed the projector writes with the read models (the read store implements it). Items come in
 * id order; an erasure removes or rewrites stored items, so a reader re-reads an item it means to send late.
 */
export interface ChangeFeedReader {
  readChanges(query: ChangeQuery): Promise<ChangeItem[]>;
  getChange(id: string): Promise<ChangeItem | undefined>;
  /** The newest item's id; undefined while the feed is empty. */
  lastChangeId(): Promise<string | undefined>;
  /** How many items lie after `after` (all of them without it). */
  countChangesAfter(after: string | undefined): Promise<number>;
}

export const CHANGE_FEED = Symbol('ChangeFeedReader');
