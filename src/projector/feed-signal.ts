import type { ReadStore } from '../read-store';

/** The writes the projector makes outside its batches (time-driven: lapses, backfill steps). */
const OUTSIDE_BATCHES = new Set<PropertyKey>(['commitComputed', 'commitAudiences']);

/**
 * The read store, calling `written` after each write made outside a batch has committed, so feed items written
 * there (a lapse's audience exit, a backfill's changed value) reach in-process readers without waiting for a poll.
 */
export function signallingWrites(store: ReadStore, written: () => void): ReadStore {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      if (!OUTSIDE_BATCHES.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        written();
        return result;
      };
    },
  });
}
