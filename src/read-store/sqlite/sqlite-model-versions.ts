import Database from 'better-sqlite3';
import { DEFAULT_MODEL_VERSION } from '../read-store.port';
import { modelPrefix } from '../model-version';
import { settle } from './sqlite-errors';

/**
 * Which model version the service reads: one row in an unprefixed `read_model_meta` table of the read-model file.
 * `tessera rebuild` builds a new version beside the live one and then flips this row in one statement; a service
 * reads it when it opens the read store (so it must be restarted to see a swap).
 */
const META = 'CREATE TABLE IF NOT EXISTS read_model_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID';

function withDb<T>(file: string, work: (db: Database.Database) => T): Promise<T> {
  return settle(() => {
    const db = new Database(file);
    try {
      db.pragma('busy_timeout = 5000');
      // A dropped version's pages are zeroed, as every other delete in the file is (sqlite-erasure.ts).
      db.pragma('secure_delete = ON');
      db.exec(META);
      return work(db);
    } finally {
      db.close();
    }
  });
}

export function sqliteLiveVersion(file: string): Promise<string> {
  return withDb(file, (db) => {
    const row = db.prepare("SELECT value FROM read_model_meta WHERE key = 'live'").get() as { value: string } | undefined;
    return row?.value ?? DEFAULT_MODEL_VERSION;
  });
}

export function setSqliteLiveVersion(file: string, version: string): Promise<void> {
  modelPrefix({ modelVersion: version });
  return withDb(file, (db) => {
    db.prepare("INSERT INTO read_model_meta (key, value) VALUES ('live', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(version);
  });
}

/** Every model version with tables in the file (named by their `${version}_checkpoints` table). */
export function sqliteModelVersions(file: string): Promise<string[]> {
  return withDb(file, (db) => {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%_checkpoints'").all() as { name: string }[];
    return rows.map((r) => r.name.slice(0, -'_checkpoints'.length)).sort();
  });
}

export function dropSqliteModelVersion(file: string, version: string): Promise<void> {
  const prefix = modelPrefix({ modelVersion: version });
  return withDb(file, (db) => {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    const tables = rows.map((r) => r.name).filter((n) => n.startsWith(prefix));
    db.transaction(() => tables.forEach((t) => db.exec(`DROP TABLE "${t}"`)))();
  });
}
