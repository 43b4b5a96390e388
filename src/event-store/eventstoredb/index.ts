export { EventStoreDbEventStore, openEventStoreDb, type EventStoreDbOptions } from './eventstoredb-event-store.adapter';
export type { ResubscribePolicy } from './eventstoredb-subscription';
export { DEFAULT_MAX_APPEND_BYTES, chunksUnder, sizeOnDisk } from './append-chunks';
