import { Metadata, status, type sendUnaryData, type ServerReadableStream } from '@grpc/grpc-js';
import { AppendReq, AppendResp } from '@eventstore/db-client/generated/streams_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import type { AppendOutcome, ExpectedState, InMemoryLog, ProposedEvent } from './in-memory-log';
import { sizeOnDisk } from './batch-append.handler';
import { streamName, uuidToString } from './messages';
import type { ServerBehaviour } from './server-behaviour';

/**
 * Streams.Append: a client stream of one Options message then the proposed messages; one response at the end.
 * A failed expected-revision check is a normal response (wrong_expected_version), not a gRPC error, as on the
 * real server.
 */
export function appendHandler(log: InMemoryLog, behaviour: ServerBehaviour) {
  return (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void => {
    const refused = behaviour.notLeaderError(call as never);
    if (refused) return callback(refused);
    const requests: AppendReq[] = [];
    call.on('data', (request: AppendReq) => requests.push(request));
    call.on('error', () => undefined);
    call.on('end', () => {
      try {
        callback(null, appendAll(log, requests, behaviour.maxAppendSize));
      } catch (error) {
        if (error instanceof MaxAppendSizeExceeded) return callback(error.rpc);
        callback({ code: status.INVALID_ARGUMENT, details: (error as Error).message });
      }
    });
  };
}

/** RpcExceptions.MaxAppendSizeExceeded: the legacy Append's form of the limit, a gRPC error with trailers. */
class MaxAppendSizeExceeded extends Error {
  readonly rpc: { code: number; details: string; metadata: Metadata };
  constructor(max: number) {
    super(`Maximum Append Size of ${max} Exceeded.`);
    const metadata = new Metadata();
    metadata.set('exception', 'maximum-append-size-exceeded');
    metadata.set('maximum-append-size', String(max));
    this.rpc = { code: status.INVALID_ARGUMENT, details: this.message, metadata };
  }
}

function appendAll(log: InMemoryLog, requests: AppendReq[], maxAppendSize: number): AppendResp {
  const [header, ...rest] = requests;
  const options = header?.getOptions();
  if (!options) throw new Error('first message must be options');
  const proposed = rest.map((r) => toProposed(r.getProposedMessage()));
  if (proposed.some((p) => !p.type || !p.contentType)) throw new Error('type and content-type metadata are required');
  if (proposed.reduce((size, p) => size + sizeOnDisk(p), 0) > maxAppendSize) throw new MaxAppendSizeExceeded(maxAppendSize);
  const expected = expectedState(options);
  return response(log.append(streamName(options.getStreamIdentifier()), expected, proposed), expected);
}

function toProposed(message: AppendReq.ProposedMessage | undefined): ProposedEvent {
  if (!message) throw new Error('append message without a proposed event');
  const metadata = message.getMetadataMap();
  return {
    id: uuidToString(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? '',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

function expectedState(options: AppendReq.Options): ExpectedState {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function response(outcome: AppendOutcome, expected: ExpectedState): AppendResp {
  if (outcome.ok) {
    const success = new AppendResp.Success();
    if (outcome.currentRevision < 0n) success.setNoStream(new Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    const position = new AppendResp.Position();
    position.setCommitPosition(outcome.commit.toString());
    position.setPreparePosition(outcome.prepare.toString());
    success.setPosition(position);
    return new AppendResp().setSuccess(success);
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(outcome.currentRevision.toString());
  if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return new AppendResp().setWrongExpectedVersion(wrong);
}
