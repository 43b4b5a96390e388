export * from './read-store.port';
export { openReadStore, type ReadStoreTarget } from './read-store.factory';
export { dropModelVersion, listModelVersions, liveModelVersion, setLiveModelVersion } from './model-versions';
export { isPermanentStoreError, ReadModelRejectedError } from './read-model-rejected';
