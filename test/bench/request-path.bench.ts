import '../support/project-node-modules';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { createApp } from '../../src/main';
import { takeItems } from './gen/workload';

/**
 * CPU per request of the service's own request path, without sockets or a client: the app in this process, requests
 * through fastify's `inject`, process CPU time (user + system) per request. On a shared machine CPU time per request
 * moves far less than throughput, so two builds compare by running this script alternately (the median of rounds).
 *   node dist-bench/test/bench/request-path.bench.js [--rounds 5] [--per-round 400] [--batches 1] [--ingest-only]
 * Prints one JSON line: µs of CPU per single-event POST, per profile GET, and per event in batches of 1000, and the
 * single-event POSTs per second of wall time (64 in flight; it counts what blocks the event loop, CPU time does not).
 * `--ingest-only`: the projector left out of the process (PROJECTOR=external) and no GETs, so the CPU per POST and per
 * batched event is the ingest path's alone (HTTP, validation, sealing, the log): what the read models cost does not
 * drown a change to it.
 */
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const ROUNDS = arg('rounds', 5);
const PER_ROUND = arg('per-round', 400);
const INGEST_ONLY = process.argv.includes('--ingest-only');
/** Batches of 1000 per round (default 1): one batch is a noisy sample on a shared machine. */
const BATCHES = arg('batches', 1);

type App = Awaited<ReturnType<typeof createApp>>;
type Inject = (opts: { method: string; url: string; payload?: string; headers?: Record<string, string> }) => Promise<{ statusCode: number; body: string }>;

/** Wall time of the last cpuPer: with the app alone in the process, what blocks its event loop (fsync) shows here. */
let lastWallMs = 0;

async function cpuPer(count: number, call: (i: number) => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  const started = performance.now();
  const inFlight = 64;
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < count) await call(next++);
  }));
  const used = process.cpuUsage(before);
  lastWallMs = performance.now() - started;
  return (used.user + used.system) / count;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tessera-request-path-'));
  const app: App = await createApp(await loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', ...(INGEST_ONLY ? { PROJECTOR: 'external' } : {}) }));
  const inject = (app.getHttpAdapter().getInstance() as unknown as { inject: Inject }).inject.bind(app.getHttpAdapter().getInstance());
  const json = { 'content-type': 'application/json' };
  const events = takeItems((ROUNDS + 1) * PER_ROUND + (ROUNDS + 1) * 1000 * BATCHES, { persons: Math.ceil(((ROUNDS + 1) * (PER_ROUND + 1000 * BATCHES)) / 15), seed: 5 }, new Set(['event']));
  const bodies = events.map(({ kind: _kind, ...b }) => JSON.stringify(b));
  const paths = events.slice(0, Math.min(500, PER_ROUND)).map((e) => `/v1/profiles/${e.identities[0].namespace}/${encodeURIComponent(e.identities[0].id)}`);
  let used = 0;
  let last = '0';
  const post = async () => {
    const r = await inject({ method: 'POST', url: '/v1/events', payload: bodies[used++], headers: json });
    if (r.statusCode !== 202) throw new Error(`POST answered ${r.statusCode}: ${r.body.slice(0, 200)}`);
    const position = (JSON.parse(r.body) as { position: string }).position;
    if (BigInt(position) > BigInt(last)) last = position;
  };
  // The in-process projector must be idle while GETs are timed, or its CPU is counted against them.
  const settle = async () => {
    const r = await inject({ method: 'GET', url: `${paths[0]}?minPosition=${last}` });
    if (r.statusCode !== 200) throw new Error(`the read models did not reach ${last}: ${r.statusCode}`);
  };
  const get = async (i: number) => {
    const r = await inject({ method: 'GET', url: paths[i % paths.length] });
    if (r.statusCode !== 200) throw new Error(`GET answered ${r.statusCode}`);
  };
  const batch = async () => {
    const items = events.slice(used, used + 1000);
    used += 1000;
    const r = await inject({ method: 'POST', url: '/v1/ingest', payload: JSON.stringify(items), headers: json });
    if (r.statusCode !== 207) throw new Error(`batch answered ${r.statusCode}`);
  };
  const rounds: { post: number; postPerSec: number; get: number; batchPerEvent: number }[] = [];
  try {
    for (let r = 0; r <= ROUNDS; r++) {
      const postFrom = process.uptime();
      const postUs = await cpuPer(PER_ROUND, post);
      process.stderr.write(`round ${r}: POSTs from ${postFrom.toFixed(1)} s to ${process.uptime().toFixed(1)} s\n`);
      const postPerSec = PER_ROUND / (lastWallMs / 1000);
      let getUs = 0;
      if (!INGEST_ONLY) {
        await settle();
        // Phase times (process uptime) to cut a --cpu-prof profile with profile-top --from/--to.
        const from = process.uptime();
        getUs = await cpuPer(PER_ROUND * 4, get);
        process.stderr.write(`round ${r}: GETs from ${from.toFixed(1)} s to ${process.uptime().toFixed(1)} s\n`);
      }
      const batchFrom = process.uptime();
      const round = { post: postUs, postPerSec, get: getUs, batchPerEvent: (await cpuPer(BATCHES, batch)) / 1000 };
      process.stderr.write(`round ${r}: batch from ${batchFrom.toFixed(1)} s to ${process.uptime().toFixed(1)} s\n`);
      if (r > 0) rounds.push(round); // round 0 warms the JIT
    }
    const summary = { postUs: median(rounds.map((r) => r.post)), postPerSec: Math.round(median(rounds.map((r) => r.postPerSec))), getUs: median(rounds.map((r) => r.get)), batchUsPerEvent: median(rounds.map((r) => r.batchPerEvent)), rounds: ROUNDS, perRound: PER_ROUND };
    // Before closing: a close that waits only on unref'd threads (the checkpointers) can let node exit first.
    console.log(JSON.stringify(summary));
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
