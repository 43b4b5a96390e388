import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../../src/config';
import { createEventStore } from '../../../src/event-log';
import { openSqliteReadStore } from '../../../src/read-store/sqlite';
import { profileIdOf } from '../../../src/read-models';
import { Projector } from '../../../src/projector';
import { REBUILD_BATCH_SIZE } from '../../../src/cli/rebuild-runner';
import { rawReadAndFold } from '../baselines/raw-fold';

/**
 * Rebuild: a second projector (its own name) replays the whole log of a stopped service into fresh read models
 * (another file, another model version, batches of the CLI rebuild's size, durability 'throwaway'); then the raw read-and-fold of
 * the same rows. Both run in this process, one after the other, and read the log the way the service does: through
 * its own factory (the crypto-shredding wrapper over the SQLite file, the service's hash key and key store).
 */
export interface RebuildResult {
  events: number;
  rate: number;
  seconds: number;
  /** CPU seconds of this process over the rebuild (it runs nothing else meanwhile): steadier than wall time on a loaded machine. */
  cpuSeconds: number;
  raw: { rate: number; events: number; seconds: number; cpuSeconds: number };
}

export async function runRebuild(dataDir: string, maxSeconds: number): Promise<RebuildResult> {
  const config = await loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const log = createEventStore(config);
  // As the CLI's rebuild does (its batch size), into a target of its own file that a failure would start again.
  const store = await openSqliteReadStore(join(dataDir, 'rebuild-models.sqlite'), { modelVersion: 'bench_rebuild', durability: 'throwaway' });
  const projector = new Projector(log, store, { name: 'bench-rebuild', batchSize: REBUILD_BATCH_SIZE, fillBatchesUntilCaughtUp: true, profileIdOf: (g) => profileIdOf(config.identityHashKey!, g) });
  const head = await log.headPosition();
  const started = performance.now();
  const cpu = process.cpuUsage();
  projector.start();
  const done = head === undefined ? true : await projector.whenProcessed(head, maxSeconds * 1000);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsSince(cpu);
  await projector.stop();
  await store.close();
  if (!done) throw new Error(`the rebuild did not finish within ${maxSeconds} s`);
  const rawCpu = process.cpuUsage();
  const raw = await rawReadAndFold(log);
  const rawCpuSeconds = cpuSecondsSince(rawCpu);
  await log.close();
  return { events: raw.events, rate: raw.events / seconds, seconds, cpuSeconds, raw: { rate: raw.rate, events: raw.events, seconds: raw.events / raw.rate, cpuSeconds: rawCpuSeconds } };
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}
