import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import {
  BadRequest,
  Empty,
  MaximumAppendSizeExceeded,
  StreamDeleted,
  Timeout,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { EXPECTED_ANY, EXPECTED_NO_STREAM, EXPECTED_STREAM_EXISTS } from './commit-check';
import { streamIdentifier } from './messages';

/**
 * The google.rpc.Status errors a BatchAppend response carries, built as the server's Status.cs builds them
 * (src/EventStore.Core/Services/Transport/Grpc/Status.cs): a code, the error's name as message, and the detail
 * packed in an Any under `event_store.client.<Name>`, which is what the client unpacks (unpackError.js).
 */
function status(code: Code, name: string, detail: { serializeBinary(): Uint8Array }): Status {
  const any = new Any();
  any.pack(detail.serializeBinary(), `event_store.client.${name}`);
  return new Status().setCode(code).setMessage(name).setDetails(any);
}

/** WrongExpectedVersion.Create: the current revision (or no stream) and the expectation as the client sent it. */
export function wrongExpectedVersionStatus(current: bigint, expected: bigint): Status {
  const detail = new WrongExpectedVersion();
  if (current < 0n) detail.setCurrentNoStream(new Empty());
  else detail.setCurrentStreamRevision(current.toString());
  if (expected === EXPECTED_ANY) detail.setExpectedAny(new Empty());
  else if (expected === EXPECTED_NO_STREAM) detail.setExpectedNoStream(new Empty());
  else if (expected === EXPECTED_STREAM_EXISTS) detail.setExpectedStreamExists(new Empty());
  else detail.setExpectedStreamPosition(expected.toString());
  return status(Code.ALREADY_EXISTS, 'WrongExpectedVersion', detail);
}

export const streamDeletedStatus = (stream: string) =>
  status(Code.NOT_FOUND, 'StreamDeleted', new StreamDeleted().setStreamIdentifier(streamIdentifier(stream)));

export const timeoutStatus = () => status(Code.DEADLINE_EXCEEDED, 'Timeout', new Timeout());

export const maximumAppendSizeExceededStatus = (maxAppendSize: number) =>
  status(Code.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', new MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize));

export const badRequestStatus = (message: string) => status(Code.INVALID_ARGUMENT, 'BadRequest', new BadRequest().setMessage(message));
