import { join } from 'node:path';
import type { TesseraConfig } from '../config';
import type { EventStore } from './event-store.port';
import { openEventStoreDb } from './eventstoredb';
import { openSqliteEventStore } from './sqlite';

export const SQLITE_EVENT_LOG_FILE = 'events.sqlite';

/**
 * The one place the configuration chooses an event store adapter; everything else sees the port. EVENTSTORE_URL
 * selects EventStoreDB (distributed mode); otherwise the log is the SQLite file `${DATA_DIR}/events.sqlite`.
 * This is the bare log: the service reads and writes it through the crypto-shredding wrapper, composed in
 * src/event-log.ts.
 */
export function openEventStoreAdapter(config: TesseraConfig): EventStore {
  return config.eventStoreUrl
    ? openEventStoreDb(config.eventStoreUrl)
    : openSqliteEventStore(join(config.dataDir, SQLITE_EVENT_LOG_FILE));
}
