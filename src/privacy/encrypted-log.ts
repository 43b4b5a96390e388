import type { TesseraConfig } from '../config';
import type { EventStore } from '../event-store/event-store.port';
import { EncryptingEventStore } from './encrypting-event-store';
import { createKeyStore } from './key-store/key-store.factory';
import { SubjectKeys } from './subject-keys';

/**
 * The log as every reader and writer must see it: personal fields are sealed per subject on the way in and opened
 * on the way out, so an erased subject reads as gone everywhere. LOG_ENCRYPTION=off stops sealing new appends
 * (benchmark comparison only: erasure then cannot reach other people's items that name the subject).
 */
export function encryptedLog(inner: EventStore, config: TesseraConfig): EncryptingEventStore {
  const keys = new SubjectKeys(createKeyStore(config));
  return new EncryptingEventStore(inner, keys, config.identityHashKey!, { sealOnAppend: config.logEncryption });
}
