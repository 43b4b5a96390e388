export * from './read-store.port';
export { openReadStore, type ReadStoreTarget } from './read-store.factory';
export { dropModelVersion, listModelVersions, liveModelVersion, setLiveModelVersion } from './model-versions';
export { isPermanentStoreError, ReadModelRejectedError } from './read-model-rejected';
export { assertEventsQuery, compareEvents, decodeEventsCursor, decodeProfilesCursor, toEventsPage } from './query-bounds';
export { decodeCursor, encodeCursor } from './cursor';
export { positionKey } from './position-key';
export {
  acquire,
  assertHolds,
  holds,
  ReadModelFencedError,
  renewed,
  type LeaseGrant,
  type LeaseRequest,
  type LeaseState,
} from './projector-lease';
