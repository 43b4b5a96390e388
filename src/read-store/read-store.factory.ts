import type { ReadStore, ReadStoreOptions } from './read-store.port';

/** Where the read models live: the embedded SQLite file, or a MongoDB server (distributed mode). */
export type ReadStoreTarget = { kind: 'sqlite'; file: string } | { kind: 'mongodb'; url: string; dbName?: string };

/**
 * Opens the adapter the configuration names. Each adapter is loaded only when chosen, so the embedded mode never
 * loads the MongoDB driver.
 */
export async function openReadStore(target: ReadStoreTarget, options: ReadStoreOptions = {}): Promise<ReadStore> {
  if (target.kind === 'sqlite') {
    const { openSqliteReadStore } = await import('./sqlite');
    return openSqliteReadStore(target.file, options);
  }
  const { openMongoReadStore } = await import('./mongodb');
  return openMongoReadStore(target.url, { ...options, dbName: target.dbName });
}
