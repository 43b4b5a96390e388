import type Database from 'better-sqlite3';
import type { SubjectErasure } from '../read-store.port';
import { audienceErasureSql } from './sqlite-audiences';
import { computedErasureSql } from './sqlite-computed';

/** Present once the file has been vacuumed under secure_delete: no old row copy can be left in it since. */
const SCRUBBED_MARKER = 'privacy_scrubbed';

/** Whether the file holds no read-model table yet (the model-version row alone names no one). */
export function holdsNoReadModels(db: Database.Database): boolean {
  return !db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name <> 'read_model_meta'").get();
}

/**
 * Marks a file the read store created itself: every connection that writes to it runs with secure_delete on from
 * the first page (openSqliteReadStore, sqlite-model-versions.ts), so it never held an old copy to vacuum away, and
 * its first erasure skips the VACUUM (16 s over a read model of 1M events). Files from before keep theirs.
 */
export function markScrubbed(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${SCRUBBED_MARKER} (at INTEGER NOT NULL)`);
  db.prepare(`INSERT INTO ${SCRUBBED_MARKER} (at) VALUES (?)`).run(Date.now());
}

/**
 * Deletes an erased subject's rows with secure_delete on, in one transaction, then checkpoints and truncates the
 * WAL. The read store runs with secure_delete on, so rewritten and deleted rows leave no copies behind; a file
 * that may hold copies from before (no marker: written by an older version) is vacuumed once, on its first
 * erasure, and marked.
 */
export function eraseInSqlite(db: Database.Database, p: string, erasure: SubjectErasure): void {
  const keys = JSON.stringify(erasure.identityKeys);
  const streams = JSON.stringify(erasure.streams);
  const streamKeys = JSON.stringify(erasure.streamIdentityKeys ?? []);
  // Found by key wherever the caller named the streams' identities: an OR or a stream filter alone scans the table.
  const streamRows = erasure.streamIdentityKeys
    ? `DELETE FROM ${p}item_index WHERE identity_key IN (SELECT value FROM json_each(@streamKeys)) AND stream IN (SELECT value FROM json_each(@streams))`
    : `DELETE FROM ${p}item_index WHERE stream IN (SELECT value FROM json_each(@streams))`;
  const inKeys = (column: string) => `${column} IN (SELECT value FROM json_each(@keys))`;
  db.pragma('secure_delete = ON');
  // By the timeline index (an event's primary and time never change): the table has no key on event_id alone.
  const rewrite = db.prepare(`UPDATE ${p}events SET doc = ? WHERE primary_key = ? AND ts = ? AND event_id = ?`);
  db.transaction(() => {
    for (const sql of [
      `DELETE FROM ${p}nodes WHERE ${inKeys('key')}`,
      `DELETE FROM ${p}links WHERE ${inKeys('a')}`,
      `DELETE FROM ${p}links WHERE ${inKeys('b')}`,
      `DELETE FROM ${p}fragments WHERE ${inKeys('primary_key')}`,
      `DELETE FROM ${p}events WHERE ${inKeys('primary_key')}`,
      `DELETE FROM ${p}event_stats WHERE ${inKeys('primary_key')}`,
      `DELETE FROM ${p}profiles WHERE ${inKeys('graph_id')}`,
      `DELETE FROM ${p}item_index WHERE ${inKeys('identity_key')}`,
      streamRows,
      // A streamed re-derivation's cursor naming an erased identity moves back to the node key before it.
      `UPDATE ${p}rederive_jobs AS j SET doc = CASE
         WHEN (SELECT max(n.key) FROM ${p}nodes n WHERE n.key < json_extract(j.doc, '$.after')) IS NULL THEN json_remove(j.doc, '$.after')
         ELSE json_set(j.doc, '$.after', (SELECT max(n.key) FROM ${p}nodes n WHERE n.key < json_extract(j.doc, '$.after'))) END
       WHERE ${inKeys("json_extract(j.doc, '$.after')")}`,
      ...computedErasureSql(p),
      ...audienceErasureSql(p),
    ]) {
      const params: Record<string, string> = { keys, streams, streamKeys };
      db.prepare(sql).run(Object.fromEntries(Object.entries(params).filter(([name]) => sql.includes(`@${name}`))));
    }
    for (const event of erasure.rewrittenEvents) rewrite.run(JSON.stringify(event.doc), event.primaryKey, event.timestamp, event.eventId);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(SCRUBBED_MARKER)) return;
  db.exec('VACUUM');
  markScrubbed(db);
  db.pragma('wal_checkpoint(TRUNCATE)');
}
