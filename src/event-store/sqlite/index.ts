export { openSqliteEventStore, SqliteEventStore } from './sqlite-event-store.adapter';
export type { SqliteEventStoreOptions, SqliteEventStoreStats } from './sqlite-event-store.adapter';
