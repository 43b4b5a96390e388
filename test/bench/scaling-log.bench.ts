import '../support/project-node-modules';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { createEventStore } from '../../src/event-log';
import { profileIdOf } from '../../src/read-models';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import { Projector } from '../../src/projector';
import { takeItems } from './gen/workload';
import { appendWorkload, fillLogPlain, workloadAfter } from './lib/direct-log';
import { runLoad } from './lib/load';
import { startService } from './lib/service';

/**
 * Per-event cost against the size of the log, up to 10M events, in one run (not in `npm run bench`: the 10M fill
 * alone takes tens of minutes). For each size in `--sizes` (default 10,000,100,000,1,000,000,10,000,000):
 * - the log is filled straight into `--dir`/<size> (kept for later runs): all but the last `--window` events plain
 *   (lib/direct-log.ts fillLogPlain: the ingest path's rows, not sealed; beyond `--clone-above`, default 250,000,
 *   copies of those rows made by SQLite under other ids and streams), then the window, another set of persons'
 *   items sealed through the service's encrypting store, as the service appends them;
 * - projector over the window: a Projector (the live batch size) into fresh read models whose checkpoint is set
 *   just before the window, timed until it has folded the window: µs of wall and CPU time per event (two passes,
 *   the one with less CPU kept);
 * - ingest: the built service on that data directory, PROJECTOR=external (nothing folds the 10M log meanwhile),
 *   1,000 single events over 64 connections (autocannon): µs of wall time and of service CPU per event.
 * What it does not cover: read models that hold the whole log (the window folds into empty ones; building them
 * for 10M events is the hours-long part), and a key store holding every subject's key.
 *   npx tsc -p tsconfig.bench.json && nice node --max-old-space-size=4096 dist-bench/test/bench/scaling-log.bench.js --dir /tmp/scaling-log
 */
const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
};
const say = (text: string) => process.stderr.write(`[scaling-log +${process.uptime().toFixed(0)}s, load ${loadavg()[0].toFixed(1)}] ${text}\n`);
const SEED = 11;

async function projectWindow(dir: string, size: number, window: number) {
  const config = await loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const log = createEventStore(config);
  const file = join(dir, 'window-models.sqlite');
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) rmSync(file + suffix);
  const store = await openSqliteReadStore(file);
  await store.commit({}, { projector: 'window', position: String(size - window) });
  const projector = new Projector(log, store, { name: 'window', profileIdOf: (g) => profileIdOf(config.identityHashKey!, g) });
  const head = (await log.headPosition())!;
  // A log kept from an earlier run also holds that run's ingest window after the window: counted with it.
  const events = Number(head) - (size - window);
  const cpu = process.cpuUsage();
  const started = performance.now();
  projector.start();
  if (!(await projector.whenProcessed(head, 600_000))) throw new Error('the window was not folded within 10 minutes');
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await projector.stop();
  await store.close();
  await log.close();
  return { events, wallUsPerEvent: (seconds * 1e6) / events, cpuUsPerEvent: (used.user + used.system) / events };
}

async function ingestWindow(dir: string, size: number) {
  // Its health says not ready (the read models trail the log, as nothing folds it here): up once /metrics answers.
  const service = await startService(`scaling-log-${size}`, { DATA_DIR: dir, PROJECTOR: 'external' }, '/metrics');
  try {
    const events = takeItems(3000, { persons: 500, seed: SEED + 1 }, new Set(['event'])).slice(0, 1000);
    const requests = events.map(({ kind: _kind, ...body }, i) => ({ path: '/v1/events', body: JSON.stringify({ ...body, id: `scaling-log-${size}-${i}`, source: 'bench-window' }) }));
    const load = await runLoad({ kind: 'closed', url: service.url, method: 'POST', requests, unique: true, connections: 64, amount: requests.length, expect: 202 }, service.pid);
    if (load.failures > 0) throw new Error(`ingest window: ${load.failures} failed requests (${JSON.stringify(load.statuses)})`);
    return { wallUsPerEvent: (load.seconds * 1e6) / load.requests, serverCpuPercent: load.serverCpuPercent, serverCpuUsPerEvent: load.serverCpuUsPerRequest };
  } finally {
    await service.stop({ keepData: true });
  }
}

async function main(): Promise<void> {
  const sizes = arg('sizes', '10000,100000,1000000,10000000').split(',').map(Number);
  const window = Number(arg('window', '5000'));
  const root = resolve(arg('dir', '/tmp/tessera-scaling-log'));
  const cloneAbove = Number(arg('clone-above', '250000'));
  const results = [];
  for (const size of sizes) {
    const dir = join(root, String(size));
    mkdirSync(dir, { recursive: true });
    const bulk = size - window;
    const filled = await fillLogPlain(dir, bulk, workloadAfter(0, Math.min(bulk, cloneAbove), SEED), (n, rate) => say(`${size}: ${n} plain events (${rate.toFixed(0)}/s)`), cloneAbove);
    say(`${size}: plain bulk of ${filled.events} events in ${filled.seconds.toFixed(0)} s`);
    // The window: other persons' items (few, so their graphs grow within it), ids of their own.
    const windowItems = takeItems(window, { persons: Math.ceil(window / 20), seed: SEED + 2 }).map((item) => ({ ...item, id: `window-${item.id}` }));
    await appendWorkload(dir, size, SEED, undefined, windowItems[Symbol.iterator]());
    say(`${size}: last ${window} sealed; projecting the window`);
    // Twice, the least kept: the first pass at the first size also pays the JIT's warm-up.
    const passes = [await projectWindow(dir, size, window), await projectWindow(dir, size, window)];
    const projected = passes.reduce((a, b) => (b.cpuUsPerEvent < a.cpuUsPerEvent ? b : a));
    say(`${size}: projector ${projected.wallUsPerEvent.toFixed(0)} µs/event wall, ${projected.cpuUsPerEvent.toFixed(0)} µs CPU; ingest`);
    const ingest = await ingestWindow(dir, size);
    say(`${size}: ingest ${ingest.wallUsPerEvent.toFixed(0)} µs/event wall, service CPU ${ingest.serverCpuUsPerEvent.toFixed(0)} µs/event`);
    results.push({ size, load: loadavg()[0], projector: projected, ingest });
    console.log(JSON.stringify(results[results.length - 1]));
  }
  const first = results[0];
  const last = results[results.length - 1];
  console.log(JSON.stringify({
    ratios: {
      projectorCpu: last.projector.cpuUsPerEvent / first.projector.cpuUsPerEvent,
      projectorWall: last.projector.wallUsPerEvent / first.projector.wallUsPerEvent,
      ingestWall: last.ingest.wallUsPerEvent / first.ingest.wallUsPerEvent,
      ingestServerCpu: last.ingest.serverCpuUsPerEvent / first.ingest.serverCpuUsPerEvent,
    },
  }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
