export { MongoReadStore, openMongoReadStore, type MongoReadStoreOptions } from './mongo-read-store.adapter';
