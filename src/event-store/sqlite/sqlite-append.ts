import { WrongExpectedRevisionError } from '../../common';
import type { AppendedEvent, AppendResult, EventToAppend, ExpectedRevision } from '../event-store.port';
import type { OriginalRow, Statements } from './sqlite-statements';

export interface AppendRequest {
  stream: string;
  events: EventToAppend[];
  expectedRevision: ExpectedRevision;
}

const NO_STREAM = -1;

/**
 * One append, run inside the group-commit transaction (in its own savepoint).
 *
 * Duplicates and expected revisions: events whose eventId is already in the log are set aside first. When nothing
 * new remains, the append is a retry of one that already landed: it is acknowledged as a duplicate with the original
 * positions and no revision check (the retry carries the expected revision the original was checked against, which
 * the stream has since moved past). When new events remain, they are checked against the expected revision as usual.
 */
export function appendInTransaction(s: Statements, request: AppendRequest, recordedAt: number): AppendResult {
  const { stream, events } = request;
  const current = s.streamRevision.get(stream)?.revision ?? NO_STREAM;
  const originals = events.map((e) => s.findById.get(e.eventId));
  const fresh = freshEvents(events, originals);
  if (fresh.length === 0 && events.length > 0) return duplicateResult(events, originals, stream, current);
  checkExpectedRevision(stream, request.expectedRevision, current);
  const stored = new Map<string, AppendedEvent>();
  let revision = current;
  for (const event of fresh) {
    revision++;
    const info = s.insert.run(
      event.eventId,
      stream,
      revision,
      event.type,
      JSON.stringify(event.data),
      JSON.stringify(event.metadata ?? {}),
      recordedAt,
    );
    stored.set(event.eventId, { eventId: event.eventId, position: String(info.lastInsertRowid), duplicate: false });
  }
  if (revision !== current) s.setStreamRevision.run(stream, revision);
  const appended = report(events, originals, stored);
  const position = appended.length > 0 ? appended[appended.length - 1].position : lastPosition(s, stream);
  return { position, nextExpectedRevision: revision, events: appended };
}

/** New events, each eventId once: a repeat inside the same call is a duplicate of its first occurrence. */
function freshEvents(events: EventToAppend[], originals: (OriginalRow | undefined)[]): EventToAppend[] {
  const seen = new Set<string>();
  return events.filter((e, i) => {
    if (originals[i] || seen.has(e.eventId)) return false;
    seen.add(e.eventId);
    return true;
  });
}

/** Results in call order; a repeat of an id within the call is a duplicate of its first occurrence. */
function report(
  events: EventToAppend[],
  originals: (OriginalRow | undefined)[],
  stored: Map<string, AppendedEvent>,
): AppendedEvent[] {
  const reported = new Set<string>();
  return events.map((e, i) => {
    const original = originals[i];
    if (original) return { eventId: e.eventId, position: String(original.position), duplicate: true };
    const first = stored.get(e.eventId) as AppendedEvent;
    if (reported.has(e.eventId)) return { ...first, duplicate: true };
    reported.add(e.eventId);
    return first;
  });
}

function duplicateResult(
  events: EventToAppend[],
  originals: (OriginalRow | undefined)[],
  stream: string,
  current: number,
): AppendResult {
  const rows = originals as OriginalRow[];
  const last = rows[rows.length - 1];
  return {
    position: String(last.position),
    nextExpectedRevision: originalRevision(rows, stream) ?? current,
    events: events.map((e, i) => ({ eventId: e.eventId, position: String(rows[i].position), duplicate: true })),
  };
}

/**
 * The original append's answer (the revision of its newest event), so a retry sees what the first attempt saw even
 * after the stream moved on. Ids first stored in another stream (a caller bug) leave the stream's current revision.
 */
function originalRevision(rows: OriginalRow[], stream: string): number | undefined {
  const revisions = rows.filter((r) => r.stream === stream).map((r) => r.revision);
  return revisions.length > 0 ? Math.max(...revisions) : undefined;
}

function checkExpectedRevision(stream: string, expected: ExpectedRevision, current: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === NO_STREAM) ||
    (expected === 'stream_exists' && current !== NO_STREAM) ||
    expected === current;
  if (!ok) {
    throw new WrongExpectedRevisionError(stream, String(expected), current === NO_STREAM ? 'no_stream' : String(current));
  }
}

function lastPosition(s: Statements, stream: string): string {
  return String(s.streamLastPosition.get(stream)?.position ?? s.head.get()?.position ?? 0);
}
