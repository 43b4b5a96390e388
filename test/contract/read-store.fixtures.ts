import { linkKey, parseIdentityKey, type IdentityNode, type LinkState } from '../../projections/model';
import { AppError } from '../../src/common/app-error';
import type { Fragment, ProfileRecord, ReadStore, ReadStoreOptions, TimelineEvent } from '../../src/read-store';

/**
 * Each contract case gets its own empty database from the harness; opening it again (after close, or under another
 * model version) reaches the same database.
 */
/**
 * The store keeps every document as given, whatever its shape: fixtures write shapes no projection would (dotted
 * and `$` keys, partial documents) to prove it, so they hand them over as the port's typed documents unchecked.
 */
export const opaque = <T>(doc: Record<string, unknown>): T => doc as unknown as T;

export interface ReadStoreHarness {
  open(options?: ReadStoreOptions): Promise<ReadStore>;
  /** Closes what open() opened and removes the database. */
  dispose(): Promise<void>;
  /**
   * Takes the projector lease from its holder behind its back, as when a paused holder's lease lapses. Absent where
   * the clock does it (MongoDB: the next candidate asks past the expiry); SQLite's lock cannot lapse while its
   * holder lives, so there the lock file is removed, as an operator might by mistake.
   */
  lapseLease?(): Promise<void>;
}

export interface ReadStoreContext {
  harness: ReadStoreHarness;
  store: ReadStore;
}

/** Small builders so each contract case states only what it is about. */
export function node(key: string, graphId = key, lastSeen = 2000): IdentityNode {
  return { key, ...parseIdentityKey(key), firstSeen: 1000, lastSeen, graphId };
}

export function link(a: string, b: string, changes: Partial<LinkState> = {}): LinkState {
  const [x, y] = a < b ? [a, b] : [b, a];
  return {
    key: linkKey(a, b),
    a: x,
    b: y,
    firstSeen: 1000,
    lastSeen: 2000,
    sources: ['crm'],
    createdBy: `item-${x}-${y}`,
    status: 'active',
    ...changes,
  };
}

export function removed(a: string, b: string): LinkState {
  return link(a, b, { status: 'removed', removedAt: 3000, removedBy: 'item-9', reason: 'uniqueNamespace' });
}

export function fragment(source: string, primaryKey: string, attributes: Record<string, unknown>): Fragment {
  return { source, primaryKey, doc: opaque({ attributes, leaves: { 'a.b': { timestamp: 1000 } } }) };
}

export function profile(graphId: string, updatedAt = 5000, attributes: Record<string, unknown> = {}): ProfileRecord {
  return { graphId, createdAt: 1000, updatedAt, doc: opaque({ attributes, 'provenance.with.dots': { $source: 'crm' } }) };
}

export function event(eventId: string, primaryKey: string, timestamp: number, position: string, type = 'view') {
  const e: TimelineEvent = {
    eventId,
    primaryKey,
    timestamp,
    type,
    source: 'web',
    position,
    recordedAt: 9000,
    doc: opaque({ data: { page: `/p/${eventId}` } }),
  };
  return e;
}

export const byKey = <T extends { key: string }>(items: T[]) => [...items].sort((x, y) => (x.key < y.key ? -1 : 1));

/** Every event of a query, page by page, to check that cursors serve each item exactly once. */
export async function allPages(
  store: ReadStore,
  query: Omit<Parameters<ReadStore['queryEvents']>[0], 'cursor'>,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.queryEvents({ ...query, cursor });
    ids.push(...page.items.map((e) => e.eventId));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 100);
  return { ids, pages };
}

export async function expectAppError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}
