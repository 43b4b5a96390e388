export { openSqliteReadStore, SqliteReadStore } from './sqlite-read-store.adapter';
