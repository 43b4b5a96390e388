import { join } from 'node:path';
import type { TesseraConfig } from '../config/config';
import { EncryptingEventStore } from '../privacy/encrypting-event-store';
import { createKeyStore } from '../privacy/key-store/key-store.factory';
import { SubjectKeys } from '../privacy/subject-keys';
import type { EventStore } from './event-store.port';
import { openEventStoreDb } from './eventstoredb';
import { openSqliteEventStore } from './sqlite';

export const SQLITE_EVENT_LOG_FILE = 'events.sqlite';

/**
 * The one place the configuration chooses an event store adapter; everything else sees the port. EVENTSTORE_URL
 * selects EventStoreDB (distributed mode); otherwise the log is the SQLite file `${DATA_DIR}/events.sqlite`.
 * LOG_ENCRYPTION=off stops sealing new appends (benchmark comparison only: erasure then cannot reach other
 * people's items that name the subject).
 */
export function createEventStore(config: TesseraConfig): EncryptingEventStore {
  const inner: EventStore = config.eventStoreUrl
    ? openEventStoreDb(config.eventStoreUrl)
    : openSqliteEventStore(join(config.dataDir, SQLITE_EVENT_LOG_FILE));
  // Every reader and writer sees the log through the crypto-shredding wrapper (src/privacy): personal fields are
  // sealed per subject on the way in and opened on the way out, so an erased subject reads as gone everywhere.
  const keys = new SubjectKeys(createKeyStore(config));
  return new EncryptingEventStore(inner, keys, config.identityHashKey!, { sealOnAppend: config.logEncryption });
}
