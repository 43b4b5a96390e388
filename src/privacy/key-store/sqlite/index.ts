export * from './sqlite-key-store.adapter';
