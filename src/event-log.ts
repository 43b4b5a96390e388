import type { TesseraConfig } from './config/config';
import { openEventStoreAdapter } from './event-store/event-store.factory';
import { encryptedLog, type EncryptingEventStore } from './privacy';

/**
 * Composition: the configured log adapter inside the crypto-shredding wrapper of src/privacy. The service
 * (app.module.ts), the projector process and the CLI open the log here, so the event store never depends on
 * privacy and no reader can bypass the wrapper.
 */
export function createEventStore(config: TesseraConfig): EncryptingEventStore {
  return encryptedLog(openEventStoreAdapter(config), config);
}
