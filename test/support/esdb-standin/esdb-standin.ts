import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import type { Empty } from '@eventstore/db-client/generated/shared_pb';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { appendHandler } from './append.handler';
import { deleteHandler } from './delete.handler';
import type { CallWriter } from './call-writer';
import { InMemoryLog } from './in-memory-log';
import { readHandler } from './read.handler';

export interface EsdbStandIn {
  /** A single-node, insecure connection string: no gossip, no TLS. */
  url: string;
  stop(): Promise<void>;
  /** Ends every live subscription with UNAVAILABLE, as a server restart or leader change would. */
  dropSubscriptions(): void;
  /** How many $all subscriptions clients have opened so far: a resumed subscription counts again. */
  subscriptionsOpened(): number;
}

const STREAMS = 'event_store.client.streams.Streams';

/**
 * Only Read, Append and Delete are advertised: without BatchAppend in the list the client (6.2.1, appendToStream/index.js)
 * falls back to the client-streaming Append, the one the stand-in implements.
 */
function supportedMethods(_call: ServerUnaryCall<Empty, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) {
  const methods = ['Read', 'Append', 'Delete'].map((name) => new SupportedMethod().setServiceName(STREAMS).setMethodName(name));
  callback(null, new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion('23.10.0-standin'));
}

/** Starts an in-process gRPC server that speaks the part of EventStoreDB's protocol our adapter uses. */
export async function startEsdbStandIn(): Promise<EsdbStandIn> {
  const log = new InMemoryLog();
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
  server.addService(StreamsService, {
    read: readHandler(log, track),
    append: appendHandler(log),
    delete: deleteHandler(log),
  });
  server.addService(ServerFeaturesService, { getSupportedMethods: supportedMethods });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    subscriptionsOpened: () => opened,
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
