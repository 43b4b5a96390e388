import { randomUUID } from 'node:crypto';
import { Metadata, status, type ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { CallWriter } from './call-writer';
import type { ServerBehaviour } from './server-behaviour';
import { eventFilter, type EventFilter } from './event-filter';
import type { InMemoryLog, StoredEvent } from './in-memory-log';
import { caughtUpMessage, checkpointMessage, confirmationMessage, eventMessage, streamName, streamNotFoundMessage } from './messages';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;
const BACKWARDS = 1;

/**
 * Streams.Read: a finite read of one stream or of $all, or (with subscription options) a subscription to $all:
 * confirmation, the catch-up events, caught-up, then live events until the client cancels or the stand-in drops it.
 */
export interface SubscriptionRegistry {
  add(writer: CallWriter<ReadReq, ReadResp>): void;
  delete(writer: CallWriter<ReadReq, ReadResp>): void;
}

export function readHandler(log: InMemoryLog, subscriptions: SubscriptionRegistry, behaviour: ServerBehaviour) {
  return (call: ReadCall): void => {
    if (behaviour.refuseAsFollower(call as never)) return;
    const writer = new CallWriter(call);
    const options = call.request.getOptions();
    const run = async () => {
      if (!options) return writer.fail(status.INVALID_ARGUMENT, 'read options are required');
      if (options.hasSubscription()) {
        if (!options.hasAll()) return writer.fail(status.UNIMPLEMENTED, 'the stand-in subscribes to $all only');
        subscriptions.add(writer);
        await subscribeToAll(log, options, writer).finally(() => subscriptions.delete(writer));
        return;
      }
      await (options.hasAll() ? readAll(log, options, writer) : readStream(log, options, writer));
      writer.end();
    };
    run().catch((error: Error) => writer.fail(status.INTERNAL, error.message));
  };
}

function count(options: ReadReq.Options): number {
  return options.hasCount() ? Number(options.getCount()) : Number.MAX_SAFE_INTEGER;
}

async function readStream(log: InMemoryLog, options: ReadReq.Options, writer: CallWriter<ReadReq, ReadResp>) {
  const streamOptions = options.getStream() as ReadReq.Options.StreamOptions;
  const name = streamName(streamOptions.getStreamIdentifier());
  const events = log.stream(name);
  if (log.isTombstoned(name)) return writer.failWith(streamDeletedError(name));
  if (!events || log.currentRevision(name) === undefined) return writer.write(streamNotFoundMessage(name));
  const backwards = options.getReadDirection() === BACKWARDS;
  const [first, last] = [log.firstVisible(name), events.length - 1];
  let index = streamOptions.hasStart() ? 0 : streamOptions.hasEnd() ? last + 1 : Number(streamOptions.getRevision());
  if (backwards) index = streamOptions.hasEnd() ? last : Math.min(index, last);
  else index = Math.max(index, first);
  const step = backwards ? -1 : 1;
  for (let sent = 0; sent < count(options) && index >= first && index <= last && !writer.isClosed; index += step, sent++) {
    await writer.write(eventMessage(events[index], options));
  }
}

function allStart(log: InMemoryLog, all: ReadReq.Options.AllOptions): number {
  if (all.hasStart()) return 0;
  if (all.hasEnd()) return log.length;
  const position = all.getPosition() as ReadReq.Options.Position;
  return log.indexAtOrAfter({ commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) });
}

async function readAll(log: InMemoryLog, options: ReadReq.Options, writer: CallWriter<ReadReq, ReadResp>) {
  const filter = eventFilter(options);
  const backwards = options.getReadDirection() === BACKWARDS;
  const all = options.getAll() as ReadReq.Options.AllOptions;
  // Backwards from a position reads strictly before it; forwards reads from it inclusively, as the server does.
  let index = backwards ? (all.hasStart() ? -1 : allStart(log, all) - 1) : allStart(log, all);
  const step = backwards ? -1 : 1;
  let sent = 0;
  for (; sent < count(options) && index >= 0 && index < log.length && !writer.isClosed; index += step) {
    const event = log.at(index) as StoredEvent;
    if (filter && !filter.matches(event)) continue;
    await writer.write(eventMessage(event, options));
    sent++;
  }
}

/** Subscriptions start strictly after the given position (unlike reads, which include it). */
function subscriptionStart(log: InMemoryLog, all: ReadReq.Options.AllOptions): number {
  const index = allStart(log, all);
  if (!all.hasPosition()) return index;
  const position = all.getPosition() as ReadReq.Options.Position;
  const at = log.at(index);
  const same = at && at.commit === BigInt(position.getCommitPosition()) && at.prepare === BigInt(position.getPreparePosition());
  return same ? index + 1 : index;
}

async function subscribeToAll(log: InMemoryLog, options: ReadReq.Options, writer: CallWriter<ReadReq, ReadResp>) {
  const filter = eventFilter(options);
  const unsubscribe = log.onAppend(() => writer.wake());
  try {
    await writer.write(confirmationMessage(randomUUID()));
    let index = subscriptionStart(log, options.getAll() as ReadReq.Options.AllOptions);
    let caughtUp = false;
    while (!writer.isClosed) {
      index = await deliver(log, index, options, filter, writer);
      if (!caughtUp && !writer.isClosed) {
        caughtUp = true;
        const last = log.at(index - 1);
        if (filter && last) await writer.write(checkpointMessage(last.commit, last.prepare));
        await writer.write(caughtUpMessage());
      }
      if (index >= log.length) await writer.waitForWake();
    }
  } finally {
    unsubscribe();
  }
}

async function deliver(
  log: InMemoryLog,
  from: number,
  options: ReadReq.Options,
  filter: EventFilter | undefined,
  writer: CallWriter<ReadReq, ReadResp>,
): Promise<number> {
  let index = from;
  for (; index < log.length && !writer.isClosed; index++) {
    const event = log.at(index) as StoredEvent;
    if (!filter || filter.matches(event)) await writer.write(eventMessage(event, options));
    if (filter && (index + 1 - from) % filter.checkpointEvery === 0) {
      await writer.write(checkpointMessage(event.commit, event.prepare));
    }
  }
  return index;
}

/** RpcExceptions.StreamDeleted: a read of a tombstoned stream. */
function streamDeletedError(stream: string) {
  const metadata = new Metadata();
  metadata.set('exception', 'stream-deleted');
  metadata.set('stream-name', stream);
  return { code: status.FAILED_PRECONDITION, details: `Event stream '${stream}' is deleted.`, metadata };
}
