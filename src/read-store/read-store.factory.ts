import { liveModelVersion, type ReadStoreTarget } from './model-versions';
import type { ReadStore, ReadStoreOptions } from './read-store.port';

export type { ReadStoreTarget };

/**
 * Opens the adapter the configuration names. Each adapter is loaded only when chosen, so the embedded mode never
 * loads the MongoDB driver. Without a modelVersion it opens the live version (model-versions.ts), which
 * `tessera rebuild` moves after building a new one beside it.
 */
export async function openReadStore(target: ReadStoreTarget, requested: ReadStoreOptions = {}): Promise<ReadStore> {
  const options = { ...requested, modelVersion: requested.modelVersion ?? (await liveModelVersion(target)) };
  if (target.kind === 'sqlite') {
    const { openSqliteReadStore } = await import('./sqlite');
    return openSqliteReadStore(target.file, options);
  }
  const { openMongoReadStore } = await import('./mongodb');
  return openMongoReadStore(target.url, { ...options, dbName: target.dbName });
}
