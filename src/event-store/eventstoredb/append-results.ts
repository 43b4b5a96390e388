import { WrongExpectedRevisionError } from '../../common';
import type { AppendResult, EventToAppend, ExpectedRevision } from '../event-store.port';
import { comparePositions, type Position } from '../position';
import type { StreamIds } from './stream-id-index';

/** How the adapter answers an append from what it knows of the stream's ids: the port's idempotency promises. */

/** The events of this append not yet in the stream, each id once (a repeated id within one append is one event). */
export function uniqueNew(events: EventToAppend[], known: StreamIds): EventToAppend[] {
  const seen = new Set<string>();
  return events.filter((e) => !known.ids.has(e.eventId) && !seen.has(e.eventId) && seen.add(e.eventId));
}

/** Each event with its position; a duplicate is one that was in the stream before, or repeats an earlier one. */
export function result(events: EventToAppend[], known: StreamIds, nextExpectedRevision: number, fresh: Set<string>): AppendResult {
  const seen = new Set<string>();
  const appended = events.map((e) => {
    const stored = known.ids.get(e.eventId);
    if (stored === undefined) throw new Error(`EventStoreDB did not return event ${e.eventId} after appending it`);
    const duplicate = !fresh.has(e.eventId) || seen.has(e.eventId);
    seen.add(e.eventId);
    return { eventId: e.eventId, position: stored.position, duplicate };
  });
  return { position: appended[appended.length - 1].position, nextExpectedRevision, events: appended };
}

/** A pure retry is answered as the original append was: same positions, the revision its events left behind. */
export function duplicateResult(events: EventToAppend[], known: StreamIds): AppendResult {
  const revision = Math.max(...events.map((e) => known.ids.get(e.eventId)?.revision ?? -1));
  return result(events, known, revision, new Set());
}

/** An append of nothing changes nothing: it checks the expected revision and reports where the stream is. */
export function emptyResult(stream: string, expected: ExpectedRevision, known: StreamIds): AppendResult {
  if (!expectationHolds(expected, known.revision)) {
    throw new WrongExpectedRevisionError(stream, String(expected), describeRevision(known.revision));
  }
  const newest = [...known.ids.values()]
    .map((stored) => stored.position)
    .reduce<Position>((a, b) => (comparePositions(a, b) >= 0 ? a : b), '0/0');
  return { position: newest, nextExpectedRevision: known.revision, events: [] };
}

function describeRevision(revision: number): string {
  return revision < 0 ? 'no_stream' : String(revision);
}

export function expectationHolds(expected: ExpectedRevision, current: number): boolean {
  return (
    expected === 'any' ||
    (expected === 'no_stream' && current < 0) ||
    (expected === 'stream_exists' && current >= 0) ||
    expected === current
  );
}
