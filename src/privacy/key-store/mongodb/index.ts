export * from './mongo-key-store.adapter';
