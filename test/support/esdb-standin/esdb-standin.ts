import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import type { Empty } from '@eventstore/db-client/generated/shared_pb';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { appendHandler } from './append.handler';
import { batchAppendHandler } from './batch-append.handler';
import { deleteHandler, tombstoneHandler } from './delete.handler';
import { IdempotencyWindow } from './idempotency-window';
import type { CallWriter } from './call-writer';
import { InMemoryLog } from './in-memory-log';
import { readHandler } from './read.handler';
import { ServerBehaviour, type StandInOptions } from './server-behaviour';

export interface EsdbStandIn {
  /** A single-node, insecure connection string: no gossip, no TLS. */
  url: string;
  stop(): Promise<void>;
  /** Ends every live subscription with UNAVAILABLE, as a server restart or leader change would. */
  dropSubscriptions(): void;
  /** How many $all subscriptions clients have opened so far: a resumed subscription counts again. */
  subscriptionsOpened(): number;
  /** gRPC calls received per Streams method (a BatchAppend call is one stream, however many appends it carries). */
  callsServed(): Record<string, number>;
  endpoint: { host: string; port: number };
  /** The log, to start a follower on (`startEsdbStandIn({ followerOf: leader.endpoint }, leader.log)`). */
  log: InMemoryLog;
  /** Clock, timeouts, stalls and leadership, changeable while running. */
  behaviour: ServerBehaviour;
}

const STREAMS = 'event_store.client.streams.streams';
const SERVER_VERSION = '24.10.0';

/**
 * What ServerFeatures.GetSupportedMethods answers (src/EventStore.Core/Services/Transport/Grpc/ServerFeatures.cs):
 * every client-facing method, names lower-cased, Read with its features and BatchAppend with `deadline_duration`.
 * BatchAppend in the list is what makes client 6.2.1 append over it (dist/streams/appendToStream/index.js); the
 * legacy Append stays served for a client that passes per-call credentials.
 */
const METHODS: [string, string[]][] = [
  ['read', ['position', 'events']],
  ['append', []],
  ['batchappend', ['deadline_duration']],
  ['delete', []],
  ['tombstone', []],
];

function supportedMethods(_call: ServerUnaryCall<Empty, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) {
  const methods = METHODS.map(([name, features]) =>
    new SupportedMethod().setServiceName(STREAMS).setMethodName(name).setFeaturesList(features),
  );
  callback(null, new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion(SERVER_VERSION));
}

/** Starts an in-process gRPC server that speaks the part of EventStoreDB's protocol our adapter uses. */
export async function startEsdbStandIn(options: StandInOptions = {}, shared?: InMemoryLog): Promise<EsdbStandIn> {
  const log = shared ?? new InMemoryLog(new IdempotencyWindow(options.idempotencyWindow));
  const behaviour = new ServerBehaviour(options);
  const subscriptions = new Set<CallWriter<ReadReq, ReadResp>>();
  let opened = 0;
  const track = {
    add: (writer: CallWriter<ReadReq, ReadResp>) => {
      opened++;
      subscriptions.add(writer);
    },
    delete: (writer: CallWriter<ReadReq, ReadResp>) => subscriptions.delete(writer),
  };
  const server = new Server();
  const served: Record<string, number> = {};
  const counted = <H extends (...args: never[]) => void>(name: string, handler: H) =>
    ((...args: Parameters<H>) => {
      served[name] = (served[name] ?? 0) + 1;
      handler(...args);
    }) as H;
  server.addService(StreamsService, {
    read: counted('read', readHandler(log, track, behaviour)),
    append: counted('append', appendHandler(log, behaviour)),
    batchAppend: counted('batchAppend', batchAppendHandler(log, behaviour)),
    delete: counted('delete', deleteHandler(log, behaviour)),
    tombstone: counted('tombstone', tombstoneHandler(log, behaviour)),
  });
  server.addService(ServerFeaturesService, { getSupportedMethods: supportedMethods });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    endpoint: { host: '127.0.0.1', port },
    log,
    behaviour,
    subscriptionsOpened: () => opened,
    callsServed: () => ({ ...served }),
    dropSubscriptions: () => {
      for (const writer of [...subscriptions]) writer.fail(status.UNAVAILABLE, 'Subscription dropped by the stand-in');
      subscriptions.clear();
    },
    stop: async () => {
      for (const writer of [...subscriptions]) writer.fail(status.UNAVAILABLE, 'Server is shutting down');
      // Clients that were not closed must not keep a test run alive: their calls are cut, as a crash would.
      server.forceShutdown();
    },
  };
}
