import type { ServerDuplexStream } from '@grpc/grpc-js';
import { BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import { AllStreamPosition, Empty, type UUID } from '@eventstore/db-client/generated/shared_pb';
import type { Status } from '@eventstore/db-client/generated/status_pb';
import { EXPECTED_ANY, EXPECTED_NO_STREAM, EXPECTED_STREAM_EXISTS } from './commit-check';
import type { InMemoryLog, ProposedEvent, WriteOutcome } from './in-memory-log';
import { streamIdentifier, streamName, uuidToString } from './messages';
import {
  badRequestStatus,
  maximumAppendSizeExceededStatus,
  streamDeletedStatus,
  timeoutStatus,
  wrongExpectedVersionStatus,
} from './rpc-status';
import type { ServerBehaviour } from './server-behaviour';

type BatchCall = ServerDuplexStream<BatchAppendReq, BatchAppendResp>;

interface PendingWrite {
  stream: string;
  expected: bigint;
  events: ProposedEvent[];
  size: number;
  timer: NodeJS.Timeout;
}

/**
 * Streams.BatchAppend as the server's BatchAppendWorker serves it
 * (src/EventStore.Core/Services/Transport/Grpc/Streams.BatchAppend.cs): one long-lived duplex stream; each append
 * is a correlation id whose first message carries the options (stream, expected revision, an absolute deadline from
 * the client's clock), then proposed messages until `is_final`. The timeout is min(deadline − server now, write
 * timeout): already past, the answer is Timeout at once. Sizes are summed as Event.SizeOnDisk; past the max append
 * size the answer is MaximumAppendSizeExceeded and the rest of that append is ignored. Every failure is a response
 * carrying a google.rpc.Status, not a gRPC error, so the stream lives on for the next append; only not-leader
 * ends the call (the worker's envelope throws RpcExceptions.LeaderInfo).
 */
export function batchAppendHandler(log: InMemoryLog, behaviour: ServerBehaviour) {
  return (call: BatchCall): void => {
    const pending = new Map<string, PendingWrite>();
    const reply: Reply = (correlation, stream, result) => {
      const response = new BatchAppendResp().setStreamIdentifier(streamIdentifier(stream));
      if (correlation) response.setCorrelationId(correlation);
      if (result instanceof BatchAppendResp.Success) response.setSuccess(result);
      else response.setError(result);
      if (!call.destroyed && call.writable) call.write(response);
    };
    call.on('data', (request: BatchAppendReq) => {
      try {
        receive(request, pending, log, behaviour, reply, call);
      } catch (error) {
        reply(request.getCorrelationId(), '', badRequestStatus((error as Error).message));
      }
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
    call.on('cancelled', () => [...pending.values()].forEach((p) => clearTimeout(p.timer)));
  };
}

type Reply = (correlation: UUID | undefined, stream: string, result: Status | BatchAppendResp.Success) => void;

function receive(
  request: BatchAppendReq,
  pending: Map<string, PendingWrite>,
  log: InMemoryLog,
  behaviour: ServerBehaviour,
  reply: Reply,
  call: BatchCall,
) {
  const correlation = request.getCorrelationId();
  const key = correlationKey(correlation);
  const options = request.getOptions();
  if (options && !pending.has(key)) {
    if (!options.hasStreamIdentifier()) return reply(correlation, '', badRequestStatus('Required field StreamIdentifier not set.'));
    const stream = streamName(options.getStreamIdentifier());
    const timeoutMs = Math.min(deadlineMs(options) - behaviour.now(), behaviour.writeTimeoutMs);
    if (timeoutMs <= 0) return reply(correlation, stream, timeoutStatus());
    const timer = setTimeout(() => pending.delete(key) && reply(correlation, stream, timeoutStatus()), timeoutMs);
    pending.set(key, { stream, expected: expectedVersion(options), events: [], size: 0, timer });
  }
  const write = pending.get(key);
  if (!write) return;
  for (const message of request.getProposedMessagesList()) {
    const event = toProposed(message);
    write.events.push(event);
    write.size += sizeOnDisk(event);
  }
  if (write.size > behaviour.maxAppendSize) {
    forget(pending, key);
    return reply(correlation, write.stream, maximumAppendSizeExceededStatus(behaviour.maxAppendSize));
  }
  if (!request.getIsFinal()) return;
  if (behaviour.writesStalled()) return; // never committed: the pending timer answers Timeout
  forget(pending, key);
  // A write on a follower asked for the leader: the worker throws LeaderInfo, which ends the whole call.
  if (behaviour.refuseAsFollower(call)) return;
  reply(correlation, write.stream, toResult(log.write(write.stream, write.expected, write.events), write));
}

function forget(pending: Map<string, PendingWrite>, key: string): void {
  const write = pending.get(key);
  if (write) clearTimeout(write.timer);
  pending.delete(key);
}

function correlationKey(correlation: UUID | undefined): string {
  return correlation ? uuidToString(correlation) : '';
}

/** The 21.10 `deadline` (a Timestamp, the one client 6.2.1 sends); no deadline at all means no limit but the server's. */
function deadlineMs(options: BatchAppendReq.Options): number {
  const deadline = options.getDeadline();
  return deadline ? deadline.toDate().getTime() : Number.MAX_SAFE_INTEGER;
}

function expectedVersion(options: BatchAppendReq.Options): bigint {
  if (options.hasStreamPosition()) return BigInt(options.getStreamPosition());
  if (options.hasNoStream()) return EXPECTED_NO_STREAM;
  if (options.hasStreamExists()) return EXPECTED_STREAM_EXISTS;
  if (options.hasAny()) return EXPECTED_ANY;
  throw new Error('expected stream position is required');
}

function toProposed(message: BatchAppendReq.ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (!type || !contentType) throw new Error('type and content-type metadata are required');
  return { id: uuidToString(message.getId()), type, contentType, data: message.getData_asU8(), customMetadata: message.getCustomMetadata_asU8() };
}

/** Event.SizeOnDisk: data + metadata + the type's length twice (src/EventStore.Core/Data/Event.cs). */
export function sizeOnDisk(event: ProposedEvent): number {
  return event.data.length + event.customMetadata.length + event.type.length * 2;
}

function toResult(outcome: WriteOutcome, write: PendingWrite): Status | BatchAppendResp.Success {
  if (outcome.kind === 'wrong_expected_version') return wrongExpectedVersionStatus(outcome.current, write.expected);
  if (outcome.kind === 'stream_deleted') return streamDeletedStatus(write.stream);
  const success = new BatchAppendResp.Success();
  if (outcome.lastRevision < 0n) success.setNoStream(new Empty());
  else success.setCurrentRevision(outcome.lastRevision.toString());
  const position = new AllStreamPosition().setCommitPosition(outcome.commit.toString()).setPreparePosition(outcome.prepare.toString());
  return success.setPosition(position);
}
