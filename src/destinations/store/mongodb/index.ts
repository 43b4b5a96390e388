export { MongoDestinationStore, openMongoDestinationStore } from './mongo-destination-store.adapter';
