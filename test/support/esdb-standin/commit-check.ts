import type { IdempotencyWindow } from './idempotency-window';

/**
 * The server's decision on a write, as IndexWriter.CheckCommit makes it
 * (src/EventStore.Core/Services/Storage/ReaderIndex/IndexWriter.cs), with StorageWriterService.VerifyCommitChecks'
 * mapping of CorruptedIdempotency to WrongExpectedVersion. Expected versions use the server's numbers: a revision,
 * or -1 no stream, -2 any, -4 stream exists.
 */
export const EXPECTED_NO_STREAM = -1n;
export const EXPECTED_ANY = -2n;
export const EXPECTED_STREAM_EXISTS = -4n;

export type CommitDecision =
  | { kind: 'ok'; softDeleted: boolean }
  /** A retry of events already committed: answered with their event numbers, nothing written. */
  | { kind: 'idempotent'; first: bigint; last: bigint }
  | { kind: 'wrong_expected_version'; current: bigint }
  | { kind: 'stream_deleted' };

/** What CheckCommit reads of one stream. */
export interface StreamState {
  /** Last event number ever written (a soft delete keeps it); -1 when never written. */
  lastEventNumber: bigint;
  tombstoned: boolean;
  /** $tb is EventNumber.DeletedStream: the stream was soft-deleted and not written since. */
  softDeleted: boolean;
  hasMetadata: boolean;
  /** IndexReader.ReadPrepare: the id at an event number, ignoring $tb (it "doesn't filter $tb"). */
  idAt(eventNumber: bigint): string | undefined;
}

export function checkCommit(
  stream: string,
  state: StreamState,
  expected: bigint,
  eventIds: string[],
  window: IdempotencyWindow,
): CommitDecision {
  const current = state.lastEventNumber;
  if (state.tombstoned) return { kind: 'stream_deleted' };
  if (expected === EXPECTED_STREAM_EXISTS) {
    if (state.softDeleted) return { kind: 'stream_deleted' };
    if (current < 0n && !state.hasMetadata) return { kind: 'wrong_expected_version', current };
  }
  if (expected === EXPECTED_ANY || expected === EXPECTED_STREAM_EXISTS) return checkUnversioned(stream, state, eventIds, window);
  if (expected < current) return checkVersioned(stream, state, expected, eventIds, window);
  if (expected > current) return { kind: 'wrong_expected_version', current };
  return { kind: 'ok', softDeleted: state.softDeleted };
}

/** any / stream_exists: a retry is recognised only from the idempotency window. */
function checkUnversioned(stream: string, state: StreamState, eventIds: string[], window: IdempotencyWindow): CommitDecision {
  let first: bigint | undefined;
  let last = -1n;
  for (const id of eventIds) {
    const committed = window.get(id);
    if (!committed || committed.stream !== stream) {
      if (first === undefined) return { kind: 'ok', softDeleted: state.softDeleted };
      return { kind: 'wrong_expected_version', current: state.lastEventNumber };
    }
    first ??= committed.eventNumber;
    last = committed.eventNumber;
  }
  if (first === undefined) return { kind: 'ok', softDeleted: state.softDeleted };
  return { kind: 'idempotent', first, last };
}

/** An exact revision behind the stream: a retry if the ids sit at the revisions after it (window or index). */
function checkVersioned(
  stream: string,
  state: StreamState,
  expected: bigint,
  eventIds: string[],
  window: IdempotencyWindow,
): CommitDecision {
  let eventNumber = expected;
  for (const id of eventIds) {
    eventNumber += 1n;
    const committed = window.get(id);
    if (committed && committed.stream === stream && committed.eventNumber === eventNumber) continue;
    if (state.idAt(eventNumber) === id) continue;
    const isFirst = eventNumber === expected + 1n;
    if (isFirst && expected === EXPECTED_NO_STREAM && state.softDeleted) return { kind: 'ok', softDeleted: true };
    return { kind: 'wrong_expected_version', current: state.lastEventNumber };
  }
  if (eventNumber === expected) return { kind: 'wrong_expected_version', current: state.lastEventNumber };
  return { kind: 'idempotent', first: expected + 1n, last: eventNumber };
}
