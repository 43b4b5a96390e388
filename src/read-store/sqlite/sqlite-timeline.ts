import { assertEventsQuery, compareEvents, decodeEventsCursor, type EventsAfter, toEventsPage } from '../query-bounds';
import type { EventsQuery, Page, TimelineEvent } from '../read-store.port';
import type { SqliteStatements } from './sqlite-statements';

interface EventRow {
  event_id: string;
  primary_key: string;
  ts: number;
  type: string;
  source: string;
  position: string;
  recorded_at: number;
  doc: string;
}

/**
 * A timeline is the union of the graph's identities' events. Each identity's slice is one covering index range scan
 * capped at limit + 1, so the cost follows the page size and the graph size, never how many events a heavy user
 * has; only the page's own events are read from the table.
 */
export function queryTimeline(s: SqliteStatements, query: EventsQuery): Page<TimelineEvent> {
  assertEventsQuery(query);
  const start = startKey(query, decodeEventsCursor(query));
  const statement = query.order === 'asc' ? s.eventKeysAsc : s.eventKeysDesc;
  const params = {
    ts: start.timestamp,
    eventId: start.eventId,
    bound: query.order === 'asc' ? (query.to ?? Number.MAX_SAFE_INTEGER) : (query.from ?? Number.MIN_SAFE_INTEGER),
    types: query.types && query.types.length > 0 ? JSON.stringify(query.types) : null,
    limit: query.limit + 1,
  };
  const keys: (EventsAfter & { row: number })[] = [];
  for (const primaryKey of new Set(query.primaryKeys)) {
    const rows = statement.all({ ...params, primaryKey }) as { ts: number; event_id: string; row: number }[];
    for (const row of rows) keys.push({ timestamp: row.ts, eventId: row.event_id, row: row.row });
  }
  const order = compareEvents(query.order);
  const chosen = keys.sort(order).slice(0, query.limit + 1);
  const rows = s.eventsByRows.all(JSON.stringify(chosen.map((k) => k.row))) as EventRow[];
  return toEventsPage(rows.map(toEvent).sort(order), query);
}

/**
 * The exclusive sort key the page starts after: the window's edge ('' sorts before every event id, so `from` stays
 * inclusive and `to` exclusive), or the cursor when it lies further in.
 */
function startKey(query: EventsQuery, cursor: EventsAfter | undefined): EventsAfter {
  const asc = query.order === 'asc';
  const edge = asc
    ? { timestamp: query.from ?? Number.MIN_SAFE_INTEGER, eventId: '' }
    : { timestamp: query.to ?? Number.MAX_SAFE_INTEGER, eventId: '' };
  if (!cursor) return edge;
  return compareEvents(query.order)(cursor, edge) > 0 ? cursor : edge;
}

function toEvent(row: EventRow): TimelineEvent {
  return {
    eventId: row.event_id,
    primaryKey: row.primary_key,
    timestamp: row.ts,
    type: row.type,
    source: row.source,
    position: row.position,
    recordedAt: row.recorded_at,
    doc: JSON.parse(row.doc),
  };
}
