import { Worker } from 'node:worker_threads';
import type { DestinationCounters } from './destination-metrics';
import type { Delivery } from './delivery';
import type { DeliveryWorkerData, FromWorker, ToWorker } from './delivery-worker-protocol';
import { DELIVERY_WORKER_ENTRY } from './delivery-worker.main';

type Request = { kind: 'stop'; id: string } | { kind: 'flush' } | { kind: 'close' };

export interface WorkerDeliveryHooks {
  /** The main thread's counters (its metrics registry): the worker's counts are added to them. */
  counters: DestinationCounters;
  logger: { warn(message: string): void; error(message: string): void };
  /** Subscribes to the feed's wake-ups in this process (the projector's commits); answers the unsubscribe. */
  onFeedWake(listener: () => void): () => void;
}

const FIRST_RESTART_MS = 1_000;
const MAX_RESTART_MS = 60_000;
/** A flush before a scrape waits no longer than this (a scrape must not hang on a busy worker). */
const FLUSH_WAIT_MS = 1_000;
/** The worker's heap: a loop holds one page of feed items at a time. */
const WORKER_HEAP_MB = 128;

/**
 * Delivery on a worker thread of its own (DESTINATION_DELIVERY=worker, the default). At 1,000 changes a second the
 * main thread is mostly busy with ingest, log commits and projection, and a delivery loop there waits behind that
 * work once per delivery (the next POST goes only after the previous answer); on its own event loop it waits only on
 * its receiver. The worker reads the feed and the destination store through connections of its own and stores the
 * cursors itself (at least once, in order, per destination, exactly as inline); the main thread tells it when the
 * feed grew, when a destination changed, and takes its counts for the metrics.
 *
 * Started lazily, by the first enabled destination, so an instance without destinations runs no thread. A worker
 * that dies is started again (with a growing delay): the cursors are in the store, so it resumes where it stopped.
 */
export class WorkerDelivery implements Delivery {
  private worker?: Worker;
  private readonly waiting = new Map<number, () => void>();
  private lastRef = 0;
  private closed = false;
  private restartMs = FIRST_RESTART_MS;
  private restartTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(private readonly data: DeliveryWorkerData, private readonly hooks: WorkerDeliveryHooks) {}

  start(id: string): void {
    if (!this.closed) this.post(this.spawn(), { kind: 'start', id });
  }

  /** Without a worker no loop runs (a restarting one reads the store afresh when it comes up). */
  async stop(id: string): Promise<void> {
    await this.request({ kind: 'stop', id });
  }

  async settle(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_WAIT_MS)));
    await Promise.race([this.request({ kind: 'flush' }), timeout]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.unsubscribe?.();
    const worker = this.worker;
    if (!worker) return;
    // Loops end after their request in flight (at most the delivery timeout); then the thread ends by itself, or
    // is ended.
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.data.timeoutMs + 5_000)));
    await Promise.race([this.request({ kind: 'close' }).then(() => exited), timeout]);
    clearTimeout(timer);
    await worker.terminate();
  }

  private request(message: Request): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    return new Promise((resolve) => {
      const ref = ++this.lastRef;
      this.waiting.set(ref, resolve);
      this.post(worker, { ...message, ref });
    });
  }

  private post(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    clearTimeout(this.restartTimer);
    const worker = startThread(this.data);
    // The service's life is its HTTP server's; this thread never keeps the process up on its own.
    worker.unref();
    worker.on('message', (message: FromWorker) => this.received(message));
    worker.on('error', (error) => this.hooks.logger.error(`delivery worker failed (${error.name}: ${error.message})`));
    worker.on('exit', (code) => this.exited(worker, code));
    this.unsubscribe ??= this.hooks.onFeedWake(() => this.worker && this.post(this.worker, { kind: 'feed' }));
    this.worker = worker;
    return worker;
  }

  private received(message: FromWorker): void {
    switch (message.kind) {
      case 'ready':
        this.restartMs = FIRST_RESTART_MS;
        return;
      case 'done':
        this.waiting.get(message.ref)?.();
        this.waiting.delete(message.ref);
        return;
      case 'counts':
        for (const [id, delivered, retried, failed] of message.counts) {
          if (delivered > 0) this.hooks.counters.delivered(id, delivered);
          if (retried > 0) this.hooks.counters.retried(id, retried);
          if (failed > 0) this.hooks.counters.failed(id, failed);
        }
        return;
      case 'log':
        return this.hooks.logger[message.level](message.message);
    }
  }

  private exited(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const resolve of this.waiting.values()) resolve();
    this.waiting.clear();
    if (this.closed) return;
    this.hooks.logger.error(`delivery worker stopped (exit code ${code}); starting another in ${this.restartMs} ms`);
    this.restartTimer = setTimeout(() => {
      if (!this.closed) this.spawn();
    }, this.restartMs);
    this.restartTimer.unref();
    this.restartMs = Math.min(this.restartMs * 2, MAX_RESTART_MS);
  }
}

/**
 * Built (dist/…/delivery-worker.main.js): the thread runs that file. From the TypeScript sources (jest): a bootstrap
 * that compiles each .ts module as it is required, with the project's settings (isolatedModules, so file by file is
 * exact); `typescript` is a dev dependency and is loaded only then.
 */
function startThread(init: DeliveryWorkerData): Worker {
  const entry = DELIVERY_WORKER_ENTRY;
  const options = { workerData: { deliveryWorker: init, entry }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
  return entry.endsWith('.ts') ? new Worker(FROM_SOURCES, { ...options, eval: true }) : new Worker(entry, options);
}

const FROM_SOURCES = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const ts = createRequire(workerData.entry)('typescript');
const compilerOptions = {
  module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true,
  experimentalDecorators: true, emitDecoratorMetadata: true, isolatedModules: true,
};
require.extensions['.ts'] = (module, fileName) => {
  module._compile(ts.transpileModule(readFileSync(fileName, 'utf8'), { fileName, compilerOptions }).outputText, fileName);
};
require(workerData.entry);
`;
