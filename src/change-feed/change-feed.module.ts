import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { DEFAULT_DESTINATIONS, TESSERA_CONFIG, type TesseraConfig } from '../config';
import { Projector } from '../projector';
import { READ_STORE } from '../read-store/read-store.port';
import { CHANGE_FEED, type ChangeFeedReader } from './change-feed.port';
import { ChangesController } from './changes.controller';
import { FeedTail } from './feed-tail';

/**
 * The feed is read from the read store, which the projector writes it to (in the same commit as the models). With
 * the projector in this process its commits wake the feed's readers (SSE streams, delivery loops) at once; the
 * tail's poll (CHANGE_FEED_POLL_MS) covers a projector in another process and writes made elsewhere (erasures).
 */
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
  private unsubscribe?: () => void;

  constructor(
    @Inject(FeedTail) private readonly tail: FeedTail,
    @Optional() @Inject(Projector) private readonly projector?: Projector | null,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.projector?.onFeedWritten(() => this.tail.wakeAll());
    this.tail.start();
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.tail.stop();
  }
}
