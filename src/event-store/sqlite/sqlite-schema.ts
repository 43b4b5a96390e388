import type Database from 'better-sqlite3';

/**
 * The log's tables. `position` is the global order; AUTOINCREMENT so a position is never handed out twice even if
 * the newest rows were ever removed (subscribers remember positions). `streams` holds each stream's current revision
 * so an optimistic-concurrency check is one primary-key lookup.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id    TEXT    NOT NULL UNIQUE,
  stream      TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at INTEGER NOT NULL,
  UNIQUE (stream, revision)
);
CREATE TABLE IF NOT EXISTS streams (
  stream   TEXT    PRIMARY KEY,
  revision INTEGER NOT NULL
) WITHOUT ROWID;
`;

export const SCHEMA_VERSION = 1;

/**
 * WAL lets the projector process read while the service writes. synchronous=FULL because in WAL mode NORMAL may
 * drop the last commits on power loss, and an acknowledged append must survive; group commit pays for the fsync.
 */
export function prepareDatabase(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  else if (version !== SCHEMA_VERSION) {
    throw new Error(`Event log schema version ${version} is not supported (expected ${SCHEMA_VERSION})`);
  }
}
