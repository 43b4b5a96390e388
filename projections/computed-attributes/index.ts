export * from './definition';
export { type Entry, comparePositions, compareEntries } from './entry';
export { entryOf, type ComputedEvent } from './match-event';
export * from './window-state';
export * from './graph-values';
export * from './definitions.fold';
export * from './batch-fold';
export * from './history-values';
export * from './stored-state';
