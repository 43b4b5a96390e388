import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { heapMetrics } from './lib/heap-metrics';
import { startService } from './lib/service';
import { sleep } from './lib/stats';
import { runScaling } from './scenarios/scaling';

/**
 * What holds the service's memory after a load: the built service with `--heapsnapshot-signal=SIGUSR2`, the scaling
 * workload loaded to `--events` (default 200,000), RSS printed, then one heap snapshot written to `--out` (default
 * /tmp/tessera-heap). Read it with heap-top.js (or DevTools):
 *   npx tsc -p tsconfig.bench.json && node dist-bench/test/bench/memory.bench.js --events 200000 --out /tmp/heap
 *   node --max-old-space-size=8192 dist-bench/test/bench/heap-top.js /tmp/heap/*.heapsnapshot
 */
const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
};

async function stable(file: string): Promise<boolean> {
  const size = statSync(file).size;
  await sleep(2000);
  return size > 0 && statSync(file).size === size;
}

async function main(): Promise<void> {
  const events = Number(arg('events', '200000'));
  const out = resolve(arg('out', '/tmp/tessera-heap'));
  mkdirSync(out, { recursive: true });
  const service = await startService('memory', { NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${out}` });
  try {
    const [step] = await runScaling(service, [events], 7, (s) => console.log(`loaded ${s.storedEvents} events: RSS ${s.rssMiB.toFixed(0)} MiB, peak ${s.peakRssMiB.toFixed(0)} MiB`));
    const before = new Set(readdirSync(out));
    process.kill(service.pid, 'SIGUSR2');
    const deadline = Date.now() + 600_000;
    let file: string | undefined;
    while (!file && Date.now() < deadline) {
      await sleep(1000);
      // The snapshot is complete once its size stops changing (writing it blocks the service's event loop).
      const fresh = readdirSync(out).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
      if (fresh && (await stable(join(out, fresh)))) file = fresh;
    }
    if (!file || !existsSync(join(out, file))) throw new Error('no heap snapshot within 10 minutes');
    // Taking the snapshot ran a full collection: RSS and the heap now show what is live, beside the loaded figures.
    console.log(JSON.stringify({ events: step.storedEvents, loaded: { rssMiB: step.rssMiB, peakRssMiB: step.peakRssMiB, ...step.heap, loadRate: step.loadRate, ingestUsPerEvent: step.ingestUsPerEvent, mergeUsPerItem: step.mergeUsPerItem }, afterSnapshot: { rssMiB: service.rssMiB(), ...(await heapMetrics(service.url)) }, snapshot: join(out, file) }));
  } finally {
    await service.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
