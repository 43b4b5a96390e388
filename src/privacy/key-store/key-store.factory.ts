import { join } from 'node:path';
import type { TesseraConfig } from '../../config';
import type { KeyStore } from './key-store.port';
import { openMongoKeyStore } from './mongodb';
import { openSqliteKeyStore } from './sqlite';

export const SQLITE_KEY_FILE = 'keys.sqlite';

/** Keys live beside the read models: MongoDB (`subject_keys`) when MONGODB_URL is set, else `${DATA_DIR}/keys.sqlite`. */
export function createKeyStore(config: TesseraConfig): KeyStore {
  if (config.mongodbUrl) return openMongoKeyStore(config.mongodbUrl);
  return openSqliteKeyStore(join(config.dataDir, SQLITE_KEY_FILE));
}
