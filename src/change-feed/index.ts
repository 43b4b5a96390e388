export { ChangeFeedModule } from './change-feed.module';
export { CHANGE_FEED, type ChangeFeedReader, type ChangeQuery } from './change-feed.port';
export { FeedTail } from './feed-tail';
