import { join } from 'node:path';
import type { TesseraConfig } from '../config/config';
import type { EventStore } from './event-store.port';
import { openEventStoreDb } from './eventstoredb';
import { openSqliteEventStore } from './sqlite';

export const SQLITE_EVENT_LOG_FILE = 'events.sqlite';

/**
 * The one place the configuration chooses an event store adapter; everything else sees the port. EVENTSTORE_URL
 * selects EventStoreDB (distributed mode); otherwise the log is the SQLite file `${DATA_DIR}/events.sqlite`.
 */
export function createEventStore(config: TesseraConfig): EventStore {
  if (config.eventStoreUrl) return openEventStoreDb(config.eventStoreUrl);
  return openSqliteEventStore(join(config.dataDir, SQLITE_EVENT_LOG_FILE));
}
