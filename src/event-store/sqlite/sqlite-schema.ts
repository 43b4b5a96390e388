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
 * WAL lets the projector process read while the service writes. synchronous=NORMAL: in WAL mode a commit then
 * writes its frames to the WAL without an fsync, and may be lost on power loss. No caller is told of it until it is
 * on disk all the same: appends and reads wait for the durable watermark (durable-watermark.ts), an fsync of the
 * WAL in the thread pool started after the commit. In WAL mode that fsync is all FULL adds to NORMAL (SQLite's
 * pragma documentation; NORMAL still syncs the WAL before a checkpoint, the database file after one and the WAL's
 * header when the WAL is restarted, and on Unix neither level pads a commit to a sector boundary, the VFS being
 * powersafe-overwrite), so an acknowledged append survives a power cut exactly as with FULL. Before this, FULL's
 * fsync ran inside every group commit on the event loop (issue 17).
 */
export function prepareDatabase(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  else if (version !== SCHEMA_VERSION) {
    throw new Error(`Event log schema version ${version} is not supported (expected ${SCHEMA_VERSION})`);
  }
}
