import Database from 'better-sqlite3';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { prepareDatabase } from '../../../src/event-store/sqlite/sqlite-schema';
import type { LogRow } from '../lib/log-rows';

/**
 * The physical limit: raw better-sqlite3 inserts of the same rows into the service's own schema (WAL,
 * synchronous=FULL, so one fsync per transaction, as the service pays one, in the thread pool, before acknowledging), `perTransaction` rows per transaction, with
 * stream revisions kept in memory. No idempotency lookup, no HTTP, no validation: what the disk and SQLite allow.
 */
export function rawInsertRate(dir: string, name: string, rows: readonly LogRow[], perTransaction: number): number {
  const db = new Database(join(dir, `${name}.sqlite`));
  prepareDatabase(db, 5000);
  const insert = db.prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const upsertStream = db.prepare('INSERT INTO streams (stream, revision) VALUES (?, ?) ON CONFLICT(stream) DO UPDATE SET revision = excluded.revision');
  const revisions = new Map<string, number>();
  const write = db.transaction((slice: readonly LogRow[]) => {
    const now = Date.now();
    for (const row of slice) {
      const revision = (revisions.get(row.stream) ?? -1) + 1;
      revisions.set(row.stream, revision);
      insert.run(row.eventId, row.stream, revision, row.type, row.data, row.metadata, now);
      upsertStream.run(row.stream, revision);
    }
  });
  const started = performance.now();
  for (let i = 0; i < rows.length; i += perTransaction) write(rows.slice(i, i + perTransaction));
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return rows.length / seconds;
}
