import type { ChangeItem } from '../../projections/change-feed';
import type { ChangeQuery } from '../read-store/read-store.port';

export type { ChangeQuery };

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
