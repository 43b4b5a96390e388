import {
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { AppError, conflict, unavailable, WrongExpectedRevisionError } from '../../common';

/**
 * Vendor errors stop here: callers see the service's own errors. Each EventStoreDB answer to an append, as the
 * BatchAppend response's google.rpc.Status carries it (the client's unpackError.js), has one translation:
 * - WrongExpectedVersion → 409 STREAM_REVISION_CONFLICT;
 * - Timeout (the server's write timeout, or a deadline already past on its clock), unavailable, not-leader after
 *   the retries → 503 EVENT_STORE_UNAVAILABLE, retryable: appends are idempotent by event id;
 * - MaximumAppendSizeExceeded (one event over the limit: larger appends are split) → 413 EVENT_STORE_APPEND_TOO_LARGE;
 * - StreamDeleted (a tombstone: Tessera only soft-deletes, an operator did this) → 409 EVENT_STREAM_DELETED.
 */
export function translate(error: unknown, stream: string): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new WrongExpectedRevisionError(stream, String(error.expectedVersion), typeof actual === 'bigint' ? String(actual) : 'no_stream');
  }
  if (error instanceof UnavailableError || error instanceof DeadlineExceededError || error instanceof NotLeaderError) {
    return unavailable('EVENT_STORE_UNAVAILABLE', `EventStoreDB is unavailable: ${error.message}`);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new AppError('EVENT_STORE_APPEND_TOO_LARGE', 413, `An event of stream ${stream} exceeds EventStoreDB's maximum append size of ${error.maxAppendSize} bytes`);
  }
  if (error instanceof StreamDeletedError) {
    return conflict('EVENT_STREAM_DELETED', `Stream ${stream} was deleted for good (tombstoned) and cannot be written`);
  }
  return error;
}

/** Leader changes settle within a few reconnections; each retry waits a little longer for the client to reconnect. */
const LEADER_ATTEMPTS = 5;

/**
 * Runs a leader-only operation, again after a not-leader answer: the client has by then started reconnecting to
 * the leader the answer named (Client.handleError), and an append is safe to repeat (ids are checked first).
 */
export async function onLeader<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof NotLeaderError) || attempt >= LEADER_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/**
 * The client's BatchAppend stream has no deadline of its own (deadline: Infinity; only the server enforces the one
 * in the request), so a server that never answers would leave an append waiting forever: this bounds the wait on
 * the local clock.
 */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable('EVENT_STORE_UNAVAILABLE', `EventStoreDB did not answer ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
