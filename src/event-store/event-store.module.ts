import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TESSERA_CONFIG, TesseraConfig } from '../config';
import { EVENT_STORE, EventStore } from './event-store.port';

/**
 * Provides the event store as EVENT_STORE to every module, and closes it on shutdown. The composition root says
 * how it is opened (app.module.ts: the configured adapter inside the crypto-shredding wrapper, src/event-log.ts).
 */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(open: (config: TesseraConfig) => EventStore): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [{ provide: EVENT_STORE, inject: [TESSERA_CONFIG], useFactory: open }],
      exports: [EVENT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
