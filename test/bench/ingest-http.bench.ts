import '../support/project-node-modules';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { startApp } from '../../src/main';
import { pageView } from './lib/page-view';

/**
 * Ingestion over real HTTP into the embedded SQLite log: single-event POST /v1/events with many requests in flight
 * (latency percentiles and events/s), then POST /v1/ingest batches of 1000 events (items/s). The service runs in
 * this process, so client and server share the CPU: the figures are a floor. Sizes: BENCH_EVENTS (default 5000),
 * BENCH_IN_FLIGHT (64), BENCH_BATCHES (10).
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 64);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 10);
const BATCH_SIZE = 1000;

async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

async function singles(base: string): Promise<{ rate: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < EVENTS) {
      const n = next++;
      const t = performance.now();
      if ((await post(`${base}/v1/events`, pageView(n))) !== 202) throw new Error('an event was not accepted');
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return { rate: EVENTS / ((performance.now() - started) / 1000), latencies };
}

async function batches(base: string): Promise<number> {
  const started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const items = Array.from({ length: BATCH_SIZE }, (_, i) => ({ kind: 'event', ...pageView(1_000_000 + b * BATCH_SIZE + i) }));
    if ((await post(`${base}/v1/ingest`, items)) !== 207) throw new Error('a batch was not accepted');
  }
  return (BATCHES * BATCH_SIZE) / ((performance.now() - started) / 1000);
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tessera-ingest-bench-'));
  const running = await startApp(await loadConfig({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent' }));
  try {
    const single = await singles(running.url);
    const batched = await batches(running.url);
    console.log(`ingest HTTP bench (embedded SQLite, WAL fsync before each ack; client in the same process)`);
    console.log(`  POST /v1/events, ${EVENTS} events, ${IN_FLIGHT} in flight: ${Math.round(single.rate)} events/s`);
    console.log(`    latency ms p50 ${pct(single.latencies, 50).toFixed(1)}  p95 ${pct(single.latencies, 95).toFixed(1)}  p99 ${pct(single.latencies, 99).toFixed(1)}`);
    console.log(`  POST /v1/ingest, ${BATCHES} batches of ${BATCH_SIZE}: ${Math.round(batched)} items/s`);
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
