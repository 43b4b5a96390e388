import { MongoClient } from 'mongodb';
import { modelPrefix } from '../model-version';
import type { ChangeQuery } from '../read-store.port';
import type { ChangeDoc } from './mongo-collections';
import { countChangesAfter, getChange, lastChangeId, readChanges } from './mongo-change-feed';

/**
 * The `<version>_changes` collection through a client of its own (the database the URL names, as the read store).
 * Typed by what it returns (a FeedConnection, checked where feed-connection.port.ts opens it).
 */
export async function openMongoFeedConnection(url: string, modelVersion: string, dbName?: string) {
  const client = await MongoClient.connect(url);
  const changes = client.db(dbName).collection<ChangeDoc>(`${modelPrefix({ modelVersion })}changes`);
  return {
    readChanges: (query: ChangeQuery) => readChanges(changes, query),
    getChange: (id: string) => getChange(changes, id),
    lastChangeId: () => lastChangeId(changes),
    countChangesAfter: (after: string | undefined) => countChangesAfter(changes, after),
    close: () => client.close(),
  };
}
