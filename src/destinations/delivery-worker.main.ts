import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { FeedTail } from '../change-feed';
import { openFeedConnection } from '../read-store/feed-connection.port';
import { CountBuffer } from './count-buffer';
import { DeliveryLoops } from './delivery-loops';
import type { DeliveryWorkerData, FromWorker, ToWorker } from './delivery-worker-protocol';
import { openDestinationStore } from './open-destination-store';
import { sendWebhook } from './webhook-sender';

/**
 * The delivery worker thread (started by delivery-worker.ts): every destination's loop on an event loop of its own,
 * reading the feed and the destinations through connections of its own, so a delivery waits on its receiver and
 * not behind the ingest, the log commits and the projector of the main thread. It imports no Nest and nothing of
 * the HTTP layer.
 */
const COUNTS_EVERY_MS = 1_000;

async function run(port: MessagePort, data: DeliveryWorkerData): Promise<void> {
  const post = (message: FromWorker) => port.postMessage(message);
  const store = await openDestinationStore(data.destinations);
  const feed = await openFeedConnection(data.feed, data.modelVersion);
  const tail = new FeedTail(feed, data.pollMs);
  const counts = new CountBuffer();
  const loops = new DeliveryLoops({
    store,
    feed,
    feedVersion: () => tail.version,
    waitForChanges: (ms, since) => tail.next(ms, since),
    send: sendWebhook,
    retry: data.retry,
    timeoutMs: data.timeoutMs,
    now: Date.now,
    random: Math.random,
    counters: counts,
    logger: {
      warn: (message) => post({ kind: 'log', level: 'warn', message }),
      error: (message) => post({ kind: 'log', level: 'error', message }),
    },
  });
  const flush = () => {
    const taken = counts.take();
    if (taken.length > 0) post({ kind: 'counts', counts: taken });
  };
  const timer = setInterval(flush, COUNTS_EVERY_MS);
  timer.unref();
  tail.start();
  // Before listening: a stop the main thread sent meanwhile (a replay about to move a cursor) then finds the loop
  // it must stop already running, and waits for it.
  await loops.startEnabled();

  const handle = async (message: ToWorker): Promise<void> => {
    switch (message.kind) {
      case 'feed':
        return tail.wakeAll();
      case 'start':
        return loops.start(message.id);
      case 'stop':
        await loops.stop(message.id);
        return post({ kind: 'done', ref: message.ref });
      case 'flush':
        flush();
        return post({ kind: 'done', ref: message.ref });
      case 'close':
        await loops.stopAll();
        clearInterval(timer);
        tail.stop();
        flush();
        await Promise.all([store.close(), feed.close()]);
        post({ kind: 'done', ref: message.ref });
        // Nothing else keeps the thread: it ends on its own (and a --cpu-prof of it is written).
        return port.close();
    }
  };
  port.on('message', (message: ToWorker) =>
    handle(message).catch((error: unknown) => {
      post({ kind: 'log', level: 'error', message: `delivery worker: ${message.kind} failed (${error instanceof Error ? error.name : 'unknown error'})` });
      if ('ref' in message) post({ kind: 'done', ref: message.ref });
    }),
  );
  post({ kind: 'ready' });
}

/**
 * This file, as the main thread imports it (delivery-worker.ts) to start the thread: the import also puts the entry
 * into every build that follows the service's imports (tsc, the crash tests' compileForNode). Imported there, where
 * no delivery worker's data is given, it only answers its path.
 */
export const DELIVERY_WORKER_ENTRY = __filename;

const init = (workerData as { deliveryWorker?: DeliveryWorkerData } | null)?.deliveryWorker;
if (parentPort && init) {
  // A failure to open a store ends the thread with the error; the main thread logs it and starts a new one later.
  run(parentPort, init).catch((error: unknown) => {
    setImmediate(() => {
      throw error;
    });
  });
}
