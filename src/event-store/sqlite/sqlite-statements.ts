import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store.port';

export interface EventRow {
  position: number;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

export interface OriginalRow {
  position: number;
  stream: string;
  revision: number;
}

const COLUMNS = 'position, event_id, stream, revision, type, data, metadata, recorded_at';

/** Every query the adapter runs, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  return {
    findById: db.prepare<[string], OriginalRow>('SELECT position, stream, revision FROM events WHERE event_id = ?'),
    streamRevision: db.prepare<[string], { revision: number }>('SELECT revision FROM streams WHERE stream = ?'),
    setStreamRevision: db.prepare<[string, number]>(
      'INSERT INTO streams (stream, revision) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision',
    ),
    insert: db.prepare<[string, string, number, string, string, string, number]>(
      'INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    readAfter: db.prepare<[number, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    ),
    readStream: db.prepare<[string, number, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    ),
    streamLastPosition: db.prepare<[string], { position: number }>(
      'SELECT position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
    ),
    head: db.prepare<[], { position: number; recorded_at: number }>(
      'SELECT position, recorded_at FROM events ORDER BY position DESC LIMIT 1',
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    stream: row.stream,
    revision: row.revision,
    position: String(row.position),
    recordedAt: new Date(row.recorded_at),
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  };
}
