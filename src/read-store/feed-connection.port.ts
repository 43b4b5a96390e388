import type { ChangeItem } from '../../projections/change-feed';
import type { ReadStoreTarget } from './model-versions';
import type { ChangeQuery } from './read-store.port';

/**
 * The change feed alone, through a connection of its own: what a delivery worker thread reads (src/destinations),
 * so it neither shares the main thread's connection nor loads the rest of the read store. Read-only: it never
 * creates or migrates anything, so it is opened after the read store itself (which made the tables).
 */
export interface FeedConnection {
  readChanges(query: ChangeQuery): Promise<ChangeItem[]>;
  getChange(id: string): Promise<ChangeItem | undefined>;
  lastChangeId(): Promise<string | undefined>;
  countChangesAfter(after: string | undefined): Promise<number>;
  close(): Promise<void>;
}

/**
 * `modelVersion`: the version the opening process reads (liveModelVersion), passed in rather than looked up here, so
 * the reader follows the same models as its service. Each adapter is loaded only when chosen.
 */
export async function openFeedConnection(target: ReadStoreTarget, modelVersion: string): Promise<FeedConnection> {
  if (target.kind === 'sqlite') return (await import('./sqlite/sqlite-feed-connection')).openSqliteFeedConnection(target.file, modelVersion);
  return (await import('./mongodb/mongo-feed-connection')).openMongoFeedConnection(target.url, modelVersion, target.dbName);
}
