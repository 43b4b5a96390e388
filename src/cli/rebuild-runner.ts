import type { TesseraConfig } from '../config';
import type { EventStore } from '../event-store/event-store.port';
import type { Position } from '../event-store';
import { profileIdOf } from '../read-models';
import { MAIN_PROJECTOR, Projector } from '../projector';
import { openReadStore, type ReadStoreTarget } from '../read-store';
import type { ReadStore } from '../read-store/read-store.port';
import { progressBar, summary } from './rebuild-progress';
import type { CliIo } from './tessera-io';

export interface BuildRequest {
  /** The log as far as the build must go (a BoundedLog): the projector stops there. */
  log: EventStore;
  target: ReadStoreTarget;
  modelVersion: string;
  /** Events up to the bound, for the progress bar. */
  total: number;
  config: TesseraConfig;
  io: CliIo;
  batchSize?: number;
}

/**
 * Batch size of a rebuild unless --batch-size says otherwise. Larger than the live default (500): a batch
 * recomputes and rewrites each touched graph's nodes, fragments and profile once, so fewer batches write fewer rows
 * (20k items: 15-17 s at 500, 7-8 s at 5000; 100k events, the bench's rebuild: 0.29-0.34x the raw read-and-fold in
 * CPU at 5,000, 0.37-0.40x at 20,000, 0.46x at 50,000). The outcome does not depend on it (verify checks exactly
 * that). The projector fills each batch (fillBatchesUntilCaughtUp): without that the log's subscription ended
 * every batch at 4,096 events, whatever this said.
 */
export const REBUILD_BATCH_SIZE = 20_000;

/** A projector that keeps failing on the same error for this long gives up instead of retrying forever. */
const STUCK_CHECKS = 12;
const CHECK_MS = 5_000;

/**
 * Builds read models of one version from the log: the service's own Projector over a store opened with another
 * model version, run until it reaches the log's end (whenIdle). It uses the main checkpoint name inside its own
 * version's checkpoint table, so once the version is made live the service's projector resumes from it.
 */
export async function buildModels(request: BuildRequest): Promise<Position | undefined> {
  const { log, config, io } = request;
  const store = await openReadStore(request.target, { modelVersion: request.modelVersion });
  const progress = progressBar('rebuild', request.total);
  const projector = new Projector(log, store, {
    name: MAIN_PROJECTOR,
    batchSize: request.batchSize ?? REBUILD_BATCH_SIZE,
    fillBatchesUntilCaughtUp: true,
    profileIdOf: (graphId) => profileIdOf(config.identityHashKey!, graphId),
    onCommit: ({ events }) => progress.add(events),
  });
  projector.start();
  try {
    await untilIdle(projector);
    await untilComputedSettled(projector);
    return projector.checkpoint;
  } finally {
    await projector.stop();
    const timing = progress.stop();
    await store.close();
    io.err(summary(`folded into read models ${request.modelVersion}`, request.total, timing));
  }
}

async function untilIdle(projector: Projector): Promise<void> {
  let stuck = 0;
  while (!(await projector.whenIdle(CHECK_MS))) {
    stuck = projector.lastError ? stuck + 1 : 0;
    if (stuck >= STUCK_CHECKS) throw new Error(`the rebuild keeps failing: ${projector.lastError}`);
  }
}

/** Definitions met on the way start backfills; the models are complete once every one of them is done. */
async function untilComputedSettled(projector: Projector): Promise<void> {
  while (!projector.computedSettled) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The main projector's checkpoint in one model version (undefined: nothing folded yet). */
export async function checkpointOf(target: ReadStoreTarget, modelVersion: string): Promise<Position | undefined> {
  return withStore(target, modelVersion, (store) => store.getCheckpoint(MAIN_PROJECTOR));
}

export async function withStore<T>(target: ReadStoreTarget, modelVersion: string, work: (store: ReadStore) => Promise<T>): Promise<T> {
  const store = await openReadStore(target, { modelVersion });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
