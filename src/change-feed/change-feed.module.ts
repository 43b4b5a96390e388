import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_DESTINATIONS, TESSERA_CONFIG, type TesseraConfig } from '../config';
import { READ_STORE } from '../read-store/read-store.port';
import { CHANGE_FEED, type ChangeFeedReader } from './change-feed.port';
import { ChangesController } from './changes.controller';
import { FeedTail } from './feed-tail';

/** The feed is read from the read store, which the projector writes it to (in the same commit as the models). */
@Module({
  controllers: [ChangesController],
  providers: [
    { provide: CHANGE_FEED, useExisting: READ_STORE },
    {
      provide: FeedTail,
      inject: [CHANGE_FEED, TESSERA_CONFIG],
      useFactory: (feed: ChangeFeedReader, config: TesseraConfig) => new FeedTail(feed, (config.destinations ?? DEFAULT_DESTINATIONS).pollMs),
    },
  ],
  exports: [CHANGE_FEED, FeedTail],
})
export class ChangeFeedModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(FeedTail) private readonly tail: FeedTail) {}

  onApplicationBootstrap(): void {
    this.tail.start();
  }

  onApplicationShutdown(): void {
    this.tail.stop();
  }
}
