/**
 * How the log folds into the read models: the pure translations from log events to what each projection in
 * projections/ folds, the rules a graph is folded under, and the batch fold that turns a run of log events into
 * read-model writes. Pure (no I/O, no Nest). The projector runs it live; as-of and history run it on demand over a
 * subject's own items; erasure and the rebuild reuse its translations.
 *
 * Adding a projection: write its fold in projections/<name>/, call it from projectBatch (project-batch.ts), and add
 * its writes to ReadModelBatch (src/read-store/read-store.port.ts) and to both adapters' commit.
 */
export { graphItemOf, logSeqOf, profileRecordOf, timelineEventOf } from './log-items';
export { BatchChangeFeed, snapshotOfStoredProfile } from './batch-change-feed';
export { profileIdOf } from './profile-id';
export { nodesAfterBatch } from './nodes-after-batch';
export type { SettledQuestion } from './unsettled-graphs';
export {
  carryScope,
  fragmentKey,
  loadedScopeOf,
  profileRecordFor,
  profilesOf,
  projectBatch,
  projectSegment,
  type ProjectedSegment,
  type SegmentOptions,
  type LoadedScope,
  type PrimaryStats,
  type ProjectionContext,
} from './project-batch';
export {
  evolveRules,
  initialRules,
  isRuleEvent,
  rejectedPairs,
  LINK_REJECTIONS_STREAM,
  RULE_EVENT_TYPES,
  RULE_STREAMS,
  type ActiveRejection,
  type ProjectionRules,
} from './projection-rules';
