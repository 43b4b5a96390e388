/** The feed's port and tail: no Nest, so a delivery worker thread loads them alone (the module: change-feed.module.ts). */
export { CHANGE_FEED, type ChangeFeedReader, type ChangeQuery } from './change-feed.port';
export { FeedTail } from './feed-tail';
