import '../support/project-node-modules';
import { takeItems } from './gen/workload';
import { runLoad } from './lib/load';
import { startService } from './lib/service';

/**
 * CPU of the service process per single-event POST /v1/events over real HTTP (autocannon, 64 connections, in its own
 * process), the figure run.js's ingest scenario reports, without the rest of that scenario: rounds of `--per-round`
 * events into one service, the median of the rounds printed as one JSON line. Two builds compare by running this
 * alternately (A B B A). `--ingest-only`: the service runs with PROJECTOR=external, so the HTTP and ingest path is
 * measured without the read models' share.
 *   node dist-bench/test/bench/single-post.bench.js [--rounds 5] [--per-round 2000] [--ingest-only]
 */
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const ROUNDS = arg('rounds', 5);
const PER_ROUND = arg('per-round', 2000);
const INGEST_ONLY = process.argv.includes('--ingest-only');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const total = (ROUNDS + 1) * PER_ROUND;
  const events = takeItems(total, { persons: Math.ceil(total / 15), seed: 7 }, new Set(['event']));
  const requests = events.map(({ kind: _kind, ...body }) => ({ path: '/v1/events', body: JSON.stringify(body) }));
  const service = await startService('single-post', INGEST_ONLY ? { PROJECTOR: 'external' } : {}, INGEST_ONLY ? '/metrics' : '/v1/health');
  try {
    const cpu: number[] = [];
    const rates: number[] = [];
    // Round 0 warms the service up (JIT, caches) and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      const slice = requests.slice(round * PER_ROUND, (round + 1) * PER_ROUND);
      const load = await runLoad({ kind: 'closed', url: service.url, method: 'POST', requests: slice, connections: 64, amount: slice.length, expect: 202, unique: true }, service.pid);
      if (load.failures > 0) throw new Error(`${load.failures} failed requests (${JSON.stringify(load.statuses)})`);
      if (round === 0) continue;
      cpu.push(load.serverCpuUsPerRequest);
      rates.push(load.rate);
    }
    process.stdout.write(`${JSON.stringify({ ingestOnly: INGEST_ONLY, cpuUsPerPost: Math.round(median(cpu)), rounds: cpu.map(Math.round), ratePerSecond: Math.round(median(rates)), load: process.env.LOAD ?? undefined })}\n`);
  } finally {
    await service.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
