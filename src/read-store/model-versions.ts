/** Where the read models live: the embedded SQLite file, or a MongoDB server (distributed mode). */
export type ReadStoreTarget = { kind: 'sqlite'; file: string } | { kind: 'mongodb'; url: string; dbName?: string };

/**
 * Read models are versioned by name (a table / collection prefix) so a rebuild runs beside the live models and then
 * swaps. The live version is a small pointer kept with the read models themselves (a `read_model_meta` table in
 * the SQLite file, a `read_model_meta` collection in MongoDB); absent, it is DEFAULT_MODEL_VERSION ('v1').
 * Processes read it when they open the read store: after a swap, restart the service (and any projector process).
 */
export async function liveModelVersion(target: ReadStoreTarget): Promise<string> {
  if (target.kind === 'sqlite') return (await import('./sqlite/sqlite-model-versions')).sqliteLiveVersion(target.file);
  return (await import('./mongodb/mongo-model-versions')).mongoLiveVersion(target.url, target.dbName);
}

export async function setLiveModelVersion(target: ReadStoreTarget, version: string): Promise<void> {
  if (target.kind === 'sqlite') return (await import('./sqlite/sqlite-model-versions')).setSqliteLiveVersion(target.file, version);
  return (await import('./mongodb/mongo-model-versions')).setMongoLiveVersion(target.url, target.dbName, version);
}

/** Every version that has read models in the target, live or not. */
export async function listModelVersions(target: ReadStoreTarget): Promise<string[]> {
  if (target.kind === 'sqlite') return (await import('./sqlite/sqlite-model-versions')).sqliteModelVersions(target.file);
  return (await import('./mongodb/mongo-model-versions')).mongoModelVersions(target.url, target.dbName);
}

export async function dropModelVersion(target: ReadStoreTarget, version: string): Promise<void> {
  if (target.kind === 'sqlite') return (await import('./sqlite/sqlite-model-versions')).dropSqliteModelVersion(target.file, version);
  return (await import('./mongodb/mongo-model-versions')).dropMongoModelVersion(target.url, target.dbName, version);
}
