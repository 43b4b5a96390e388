import { badRequest } from '../common';
import { decodeCursor, encodeCursor } from './cursor';
import type { EventsQuery, TimelineEvent } from './read-store.port';

/** Shared by both adapters so a cursor and a page mean the same thing whatever the database. */
export const MAX_PAGE = 1000;

export function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw badRequest('READ_STORE_BAD_LIMIT', `limit must be an integer from 1 to ${MAX_PAGE}`);
  }
}

/** A NaN from an unparsable date would silently match nothing in one database and fail in another. */
export function assertEventsQuery(query: EventsQuery): void {
  assertLimit(query.limit);
  for (const [name, value] of [['from', query.from], ['to', query.to]] as const) {
    if (value !== undefined && !Number.isFinite(value)) {
      throw badRequest('READ_STORE_BAD_WINDOW', `${name} must be a time in epoch milliseconds`);
    }
  }
  if (query.order !== 'asc' && query.order !== 'desc') {
    throw badRequest('READ_STORE_BAD_ORDER', 'order must be asc or desc');
  }
}

/** The sort key of a timeline item; the cursor also names the order, so it cannot be replayed the other way. */
export interface EventsAfter {
  timestamp: number;
  eventId: string;
}

export function encodeEventsCursor(order: EventsQuery['order'], last: TimelineEvent): string {
  return encodeCursor([order, last.timestamp, last.eventId]);
}

export function decodeEventsCursor(query: EventsQuery): EventsAfter | undefined {
  if (query.cursor === undefined) return undefined;
  const shape: ['string', 'number', 'string'] = ['string', 'number', 'string'];
  const [order, timestamp, eventId] = decodeCursor<[string, number, string]>(query.cursor, shape);
  if (order !== query.order) {
    throw badRequest('READ_STORE_BAD_CURSOR', 'The cursor belongs to a page in the other order');
  }
  return { timestamp, eventId };
}

export function encodeProfilesCursor(lastGraphId: string): string {
  return encodeCursor([lastGraphId]);
}

export function decodeProfilesCursor(cursor: string | undefined): string | undefined {
  return cursor === undefined ? undefined : decodeCursor<[string]>(cursor, ['string'])[0];
}

/**
 * Sorts timeline events in the query's order (timestamp, then eventId). Event ids compare as UTF-8 bytes, as SQLite
 * compares them, so a merge in memory and a cursor in SQL agree whatever the ids hold.
 */
export function compareEvents(order: EventsQuery['order']) {
  const sign = order === 'asc' ? 1 : -1;
  return (x: EventsAfter, y: EventsAfter): number => {
    if (x.timestamp !== y.timestamp) return sign * (x.timestamp - y.timestamp);
    if (x.eventId === y.eventId) return 0;
    return sign * Buffer.compare(Buffer.from(x.eventId), Buffer.from(y.eventId));
  };
}

/** Cuts a sorted over-fetch (limit + 1 items) into a page. */
export function toEventsPage(sorted: TimelineEvent[], query: EventsQuery) {
  const items = sorted.slice(0, query.limit);
  const more = sorted.length > query.limit;
  return { items, nextCursor: more ? encodeEventsCursor(query.order, items[items.length - 1]) : undefined };
}
