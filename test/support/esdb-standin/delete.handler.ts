import { Metadata, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { DeleteReq, DeleteResp } from '@eventstore/db-client/generated/streams_pb';
import type { ExpectedState, InMemoryLog } from './in-memory-log';
import { streamName } from './messages';

/**
 * Streams.Delete (soft delete). Failures are gRPC errors carrying the server's `exception` trailer, which the
 * client turns into StreamNotFoundError / WrongExpectedVersionError.
 */
export function deleteHandler(log: InMemoryLog) {
  return (call: ServerUnaryCall<DeleteReq, DeleteResp>, callback: sendUnaryData<DeleteResp>): void => {
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
function expectedVersionCode(options: DeleteReq.Options): string {
  if (options.hasRevision()) return options.getRevision();
  if (options.hasNoStream()) return '-1';
  if (options.hasStreamExists()) return '-4';
  return '-2';
}

function expectedState(options: DeleteReq.Options): ExpectedState {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}
