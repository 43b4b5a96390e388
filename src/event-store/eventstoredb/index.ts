export { EventStoreDbEventStore, openEventStoreDb, type EventStoreDbOptions } from './eventstoredb-event-store.adapter';
export type { ResubscribePolicy } from './eventstoredb-subscription';
