import type { GraphItem } from '../../projections/identity-graph';
import { identityKey } from '../../projections/model';
import type { ProfileRecord } from '../../projections/unified-profile';
import type { DecodedEvent } from '../events';
import type { Position } from '../event-store';
import type { TimelineEvent } from '../read-store/read-store.port';

/**
 * Translations from decoded log events to what each pure projection folds. The log's event id names the item in
 * the graph (removedBy, createdBy), so history and explain can point at the exact log entry.
 */
export function graphItemOf(decoded: DecodedEvent): GraphItem | undefined {
  const { event } = decoded;
  if (event.type !== 'RecordIngested' && event.type !== 'ExperienceEventIngested' && event.type !== 'LinkObserved') {
    return undefined;
  }
  const { source, timestamp, identities, unlinked } = event.data;
  return {
    itemId: decoded.eventId,
    source,
    timestamp: Date.parse(timestamp),
    identities,
    ...(unlinked && unlinked.length > 0 ? { unlinked } : {}),
  };
}

/** The order of a position along the log as a number: its first part (SQLite sequence, EventStoreDB commit). */
export function logSeqOf(position: Position): number {
  const slash = position.indexOf('/');
  return Number(slash < 0 ? position : position.slice(0, slash));
}

export function profileRecordOf(decoded: DecodedEvent): ProfileRecord | undefined {
  const { event } = decoded;
  if (event.type !== 'RecordIngested') return undefined;
  return {
    recordId: event.data.itemId,
    source: event.data.source,
    primaryKey: identityKey(event.data.primary),
    timestamp: Date.parse(event.data.timestamp),
    logSeq: logSeqOf(decoded.position),
    attributes: event.data.attributes,
  };
}

/** What each pure projection folds of one log entry, derived once per entry (the fold and the change feed read it). */
export interface LogItemParts {
  item: GraphItem | undefined;
  record: ProfileRecord | undefined;
  event: TimelineEvent | undefined;
}

export function logItemPartsOf(decoded: DecodedEvent): LogItemParts {
  return { item: graphItemOf(decoded), record: profileRecordOf(decoded), event: timelineEventOf(decoded) };
}

/** The timeline row of an experience event; `doc` is the API's event item, served as stored. */
export function timelineEventOf(decoded: DecodedEvent): TimelineEvent | undefined {
  const { event } = decoded;
  if (event.type !== 'ExperienceEventIngested') return undefined;
  const { itemId, type, timestamp, source, identities, primary, data } = event.data;
  const time = Date.parse(timestamp);
  return {
    eventId: decoded.eventId,
    primaryKey: identityKey(primary),
    timestamp: time,
    type,
    source,
    position: decoded.position,
    recordedAt: decoded.recordedAt.getTime(),
    doc: {
      id: itemId,
      type,
      timestamp: new Date(time).toISOString(),
      source,
      identities,
      primaryIdentity: primary,
      data,
    },
  };
}
