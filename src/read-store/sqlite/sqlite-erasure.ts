import type Database from 'better-sqlite3';
import type { SubjectErasure } from '../read-store.port';

/**
 * Deletes an erased subject's rows with secure_delete on, in one transaction, then truncates the WAL and vacuums
 * the file: rows rewritten earlier (profiles, links) leave old copies in free space that only a VACUUM removes.
 */
export function eraseInSqlite(db: Database.Database, p: string, erasure: SubjectErasure): void {
  const keys = JSON.stringify(erasure.identityKeys);
  const streams = JSON.stringify(erasure.streams);
  const inKeys = (column: string) => `${column} IN (SELECT value FROM json_each(@keys))`;
  db.pragma('secure_delete = ON');
  const rewrite = db.prepare(`UPDATE ${p}events SET doc = ? WHERE event_id = ?`);
  db.transaction(() => {
    for (const sql of [
      `DELETE FROM ${p}nodes WHERE ${inKeys('key')}`,
      `DELETE FROM ${p}links WHERE ${inKeys('a')} OR ${inKeys('b')}`,
      `DELETE FROM ${p}fragments WHERE ${inKeys('primary_key')}`,
      `DELETE FROM ${p}events WHERE ${inKeys('primary_key')}`,
      `DELETE FROM ${p}event_stats WHERE ${inKeys('primary_key')}`,
      `DELETE FROM ${p}profiles WHERE ${inKeys('graph_id')}`,
      `DELETE FROM ${p}item_index WHERE ${inKeys('identity_key')} OR stream IN (SELECT value FROM json_each(@streams))`,
    ]) {
      db.prepare(sql).run(sql.includes('@streams') ? { keys, streams } : { keys });
    }
    for (const event of erasure.rewrittenEvents) rewrite.run(JSON.stringify(event.doc), event.eventId);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}
