import { join } from 'node:path';
import type { TesseraConfig } from '../config';
import type { DestinationStore } from './destination-store.port';

/** Embedded: DATA_DIR/destinations.sqlite; distributed: the `destinations` collection of MONGODB_URL's database. */
export type DestinationStoreTarget = { kind: 'sqlite'; file: string } | { kind: 'mongodb'; url: string };

export function destinationStoreTarget(config: TesseraConfig): DestinationStoreTarget {
  return config.mongodbUrl ? { kind: 'mongodb', url: config.mongodbUrl } : { kind: 'sqlite', file: join(config.dataDir, 'destinations.sqlite') };
}

/**
 * Opened by the main thread (definitions, status) and again by the delivery worker (progress): two connections to
 * one SQLite file in WAL mode, or two MongoDB clients. Each adapter is loaded only when chosen.
 */
export async function openDestinationStore(target: DestinationStoreTarget): Promise<DestinationStore> {
  if (target.kind === 'mongodb') return (await import('./store/mongodb')).openMongoDestinationStore(target.url);
  return (await import('./store/sqlite')).openSqliteDestinationStore(target.file);
}
