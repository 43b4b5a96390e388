import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TESSERA_CONFIG, TesseraConfig } from '../config/config';
import { createEventStore } from './event-store.factory';
import { EVENT_STORE, EventStore } from './event-store.port';
import { EncryptingEventStore } from '../privacy/encrypting-event-store';
import { SubjectKeys } from '../privacy/subject-keys';

/** Provides the configured event store as EVENT_STORE to every module, and closes it on shutdown. */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: EVENT_STORE, inject: [TESSERA_CONFIG], useFactory: (config: TesseraConfig) => createEventStore(config) },
        // The erasure deletes keys through the same cache the log is read with.
        { provide: SubjectKeys, inject: [EVENT_STORE], useFactory: (store: EncryptingEventStore) => store.keys },
      ],
      exports: [EVENT_STORE, SubjectKeys],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
