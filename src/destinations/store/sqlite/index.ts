export { openSqliteDestinationStore, SqliteDestinationStore } from './sqlite-destination-store.adapter';
