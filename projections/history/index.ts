/** A subject's history: the log entries that shaped its profile, each with what it changed (pure). */
export { subjectHistory, type HistoryEntry, type HistoryRules, type HistoryStep } from './history.projection';
export type { AttributeChange, SubjectChanges } from './subject-changes';
export { rejectedPairLinks, type RejectedPair } from './rejected-links';
