import type { Filter } from 'mongodb';
import { assertEventsQuery, decodeEventsCursor, toEventsPage } from '../query-bounds';
import type { EventsQuery, Page, TimelineEvent } from '../read-store.port';
import type { EventDoc, ReadModelCollections } from './mongo-collections';

/**
 * One find over the graph's identities, sorted by (ts, _id): the (primaryKey, ts, _id) index lets MongoDB merge the
 * identities' ranges instead of sorting every event of the graph.
 */
export async function queryTimeline(c: ReadModelCollections, query: EventsQuery): Promise<Page<TimelineEvent>> {
  assertEventsQuery(query);
  const dir = query.order === 'asc' ? 1 : -1;
  const docs = await c.events
    .find(timelineFilter(query))
    .sort({ ts: dir, _id: dir })
    .limit(query.limit + 1)
    .toArray();
  return toEventsPage(docs.map(toEvent), query);
}

function timelineFilter(query: EventsQuery): Filter<EventDoc> {
  const filter: Filter<EventDoc> = { primaryKey: { $in: [...new Set(query.primaryKeys)] } };
  const ts: { $gte?: number; $lt?: number } = {};
  if (query.from !== undefined) ts.$gte = query.from;
  if (query.to !== undefined) ts.$lt = query.to;
  if (Object.keys(ts).length > 0) filter.ts = ts;
  if (query.types && query.types.length > 0) filter.type = { $in: query.types };
  const after = decodeEventsCursor(query);
  if (after) {
    const beyond = query.order === 'asc' ? '$gt' : '$lt';
    filter.$or = [{ ts: { [beyond]: after.timestamp } }, { ts: after.timestamp, _id: { [beyond]: after.eventId } }];
  }
  return filter;
}

function toEvent(d: EventDoc): TimelineEvent {
  return {
    eventId: d._id,
    primaryKey: d.primaryKey,
    timestamp: d.ts,
    type: d.type,
    source: d.source,
    position: d.position,
    recordedAt: d.recordedAt,
    doc: JSON.parse(d.doc),
  };
}
