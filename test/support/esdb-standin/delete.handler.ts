import { Metadata, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { DeleteReq, DeleteResp, TombstoneReq, TombstoneResp } from '@eventstore/db-client/generated/streams_pb';
import type { ExpectedState, InMemoryLog } from './in-memory-log';
import { streamName } from './messages';
import type { ServerBehaviour } from './server-behaviour';

/**
 * Streams.Delete (soft delete). Failures are gRPC errors carrying the server's `exception` trailer, which the
 * client turns into StreamNotFoundError / WrongExpectedVersionError.
 */
export function deleteHandler(log: InMemoryLog, behaviour: ServerBehaviour) {
  return (call: ServerUnaryCall<DeleteReq, DeleteResp>, callback: sendUnaryData<DeleteResp>): void => {
    const refused = behaviour.notLeaderError(call as never);
    if (refused) return callback(refused);
    const options = call.request.getOptions();
    if (!options) return callback({ code: status.INVALID_ARGUMENT, details: 'delete options are required' });
    const stream = streamName(options.getStreamIdentifier());
    const outcome = log.softDelete(stream, expectedState(options));
    if (outcome.ok) {
      const position = new DeleteResp.Position();
      position.setCommitPosition(outcome.commit.toString());
      position.setPreparePosition(outcome.prepare.toString());
      return callback(null, new DeleteResp().setPosition(position));
    }
    const metadata = new Metadata();
    metadata.set('stream-name', stream);
    if (outcome.currentRevision === undefined) {
      metadata.set('exception', 'stream-not-found');
      return callback({ code: status.NOT_FOUND, details: `${stream} not found`, metadata });
    }
    metadata.set('exception', 'wrong-expected-version');
    metadata.set('expected-version', expectedVersionCode(options));
    metadata.set('actual-version', outcome.currentRevision.toString());
    callback({ code: status.FAILED_PRECONDITION, details: `${stream} is at ${outcome.currentRevision}`, metadata });
  };
}

/** The server reports the expected version as .NET's ExpectedVersion: the revision, or -1 / -2 / -4 for the states. */
function expectedVersionCode(options: DeleteReq.Options | TombstoneReq.Options): string {
  if (options.hasRevision()) return options.getRevision();
  if (options.hasNoStream()) return '-1';
  if (options.hasStreamExists()) return '-4';
  return '-2';
}

function expectedState(options: DeleteReq.Options | TombstoneReq.Options): ExpectedState {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

/** Streams.Tombstone (hard delete): the name is gone for good; a later write or read answers StreamDeleted. */
export function tombstoneHandler(log: InMemoryLog, behaviour: ServerBehaviour) {
  return (call: ServerUnaryCall<TombstoneReq, TombstoneResp>, callback: sendUnaryData<TombstoneResp>): void => {
    const refused = behaviour.notLeaderError(call as never);
    if (refused) return callback(refused);
    const options = call.request.getOptions();
    if (!options) return callback({ code: status.INVALID_ARGUMENT, details: 'tombstone options are required' });
    const stream = streamName(options.getStreamIdentifier());
    const outcome = log.tombstone(stream, expectedState(options));
    if (outcome.ok) {
      const position = new TombstoneResp.Position();
      position.setCommitPosition(outcome.commit.toString());
      position.setPreparePosition(outcome.prepare.toString());
      return callback(null, new TombstoneResp().setPosition(position));
    }
    const metadata = new Metadata();
    metadata.set('stream-name', stream);
    metadata.set('exception', log.isTombstoned(stream) ? 'stream-deleted' : 'wrong-expected-version');
    metadata.set('expected-version', expectedVersionCode(options));
    metadata.set('actual-version', outcome.currentRevision?.toString() ?? '-1');
    callback({ code: status.FAILED_PRECONDITION, details: `${stream} cannot be tombstoned`, metadata });
  };
}
