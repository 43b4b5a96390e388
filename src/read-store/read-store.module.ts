import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { TESSERA_CONFIG, TesseraConfig } from '../config';
import { openReadStore, type ReadStoreTarget } from './read-store.factory';
import { READ_STORE, type ReadStore } from './read-store.port';

/** The embedded read models live beside the log in DATA_DIR; MONGODB_URL moves them to MongoDB. */
export function readStoreTarget(config: TesseraConfig): ReadStoreTarget {
  return config.mongodbUrl
    ? { kind: 'mongodb', url: config.mongodbUrl }
    : { kind: 'sqlite', file: join(config.dataDir, 'read-models.sqlite') };
}

@Global()
@Module({
  providers: [
    {
      provide: READ_STORE,
      inject: [TESSERA_CONFIG],
      useFactory: (config: TesseraConfig) => openReadStore(readStoreTarget(config)),
    },
  ],
  exports: [READ_STORE],
})
export class ReadStoreModule implements OnApplicationShutdown {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
