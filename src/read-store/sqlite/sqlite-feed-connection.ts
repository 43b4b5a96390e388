import Database from 'better-sqlite3';
import { modelPrefix } from '../model-version';
import type { ChangeQuery } from '../read-store.port';
import { openChangeFeedTables } from './sqlite-change-feed';

/**
 * The feed tables through a second connection to the read-model file. The file is in WAL mode (set by the read
 * store), so this connection reads the last commit while the projector writes the next, without blocking it. Typed
 * by what it returns (a FeedConnection, checked where feed-connection.port.ts opens it, which imports this file).
 */
export function openSqliteFeedConnection(file: string, modelVersion: string) {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const feed = openChangeFeedTables(db, modelPrefix({ modelVersion }));
  return {
    readChanges: async (query: ChangeQuery) => feed.read(query),
    getChange: async (id: string) => feed.get(id),
    lastChangeId: async () => feed.lastId(),
    countChangesAfter: async (after: string | undefined) => feed.countAfter(after),
    close: async () => {
      db.close();
    },
  };
}
