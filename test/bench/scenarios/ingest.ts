import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { emmettAppendRate, type EmmettResult } from '../baselines/emmett';
import { rawInsertRate } from '../baselines/raw-sqlite';
import type { BatchItem } from '../gen/workload';
import { closedLoop, HttpClient } from '../lib/http-load';
import { logRowOf } from '../lib/log-rows';
import type { ServiceProcess } from '../lib/service';
import { summarise, type LatencySummary } from '../lib/stats';

/**
 * Ingestion over HTTP with durable acknowledgement (the service answers 202 once the append is fsynced): one event
 * per POST /v1/events with 64 connections, then POST /v1/ingest with 1000 events per request. Beside them, in the
 * same run: raw better-sqlite3 inserts of the same rows (64 per transaction for the single-event case, the most one
 * fsync can cover with 64 requests in flight; 1000 for batches) and Emmett appending the same events one by one.
 */
export interface IngestSizes {
  singles: number;
  batches: number;
  emmettSeconds: number;
}

export interface IngestResult {
  singles: { rate: number; latency: LatencySummary; events: number; serviceCpuUsPerEvent: number };
  batches: { rate: number; events: number; inFlight: number; serviceCpuUsPerEvent: number };
  raw64: number;
  raw1000: number;
  /** CPU of this process per row for the raw inserts: the floor the service's CPU per event compares with. */
  rawCpuUsPerRow: { raw64: number; raw1000: number };
  emmett: EmmettResult;
  lastPosition: string;
}

export const SINGLE_CONNECTIONS = 64;
const BATCH_SIZE = 1000;
const BATCHES_IN_FLIGHT = 2;

const bodyOf = ({ kind: _kind, ...body }: BatchItem) => body;

async function singles(client: HttpClient, items: readonly BatchItem[]) {
  let lastPosition = '0';
  const loop = await closedLoop(SINGLE_CONNECTIONS, items.length, 600, async (i) => {
    const reply = await client.post('/v1/events', bodyOf(items[i]));
    if (reply.status !== 202) throw new Error(`POST /v1/events answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    lastPosition = (JSON.parse(reply.body) as { position: string }).position;
  });
  return { rate: loop.requests / loop.seconds, latency: summarise(loop.latenciesMs), events: loop.requests, lastPosition };
}

async function batches(client: HttpClient, items: readonly BatchItem[]) {
  const chunks: BatchItem[][] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) chunks.push(items.slice(i, i + BATCH_SIZE) as BatchItem[]);
  let lastPosition = '0';
  const started = performance.now();
  await closedLoop(BATCHES_IN_FLIGHT, chunks.length, 900, async (i) => {
    const reply = await client.post('/v1/ingest', chunks[i]);
    if (reply.status !== 207) throw new Error(`POST /v1/ingest answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    const results = (JSON.parse(reply.body) as { results: { status: number; position?: string }[] }).results;
    if (results.some((r) => r.status !== 202)) throw new Error('a batch item was not accepted');
    lastPosition = results[results.length - 1].position ?? lastPosition;
  });
  return { rate: items.length / ((performance.now() - started) / 1000), events: items.length, inFlight: BATCHES_IN_FLIGHT, lastPosition };
}

function withCpu(run: () => number, rows: number): [number, number] {
  const before = process.cpuUsage();
  const rate = run();
  const used = process.cpuUsage(before);
  return [rate, (used.user + used.system) / rows];
}

export async function runIngest(service: ServiceProcess, events: readonly BatchItem[], sizes: IngestSizes): Promise<IngestResult> {
  const single = events.slice(0, sizes.singles);
  const batched = events.slice(sizes.singles, sizes.singles + sizes.batches * BATCH_SIZE);
  const client = new HttpClient(service.url, SINGLE_CONNECTIONS);
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tessera-bench-raw-'));
  try {
    const cpu0 = service.cpuSeconds();
    const s = await singles(client, single);
    const cpu1 = service.cpuSeconds();
    const b = await batches(client, batched);
    const cpu2 = service.cpuSeconds();
    const singleRows = single.map(logRowOf);
    const batchRows = batched.map(logRowOf);
    const [raw64, raw64Cpu] = withCpu(() => rawInsertRate(dir, 'raw64', singleRows, SINGLE_CONNECTIONS), singleRows.length);
    const [raw1000, raw1000Cpu] = withCpu(() => rawInsertRate(dir, 'raw1000', batchRows, BATCH_SIZE), batchRows.length);
    const emmett = await emmettAppendRate(dir, singleRows, sizes.emmettSeconds);
    return {
      singles: { ...s, serviceCpuUsPerEvent: ((cpu1 - cpu0) * 1e6) / s.events },
      batches: { ...b, serviceCpuUsPerEvent: ((cpu2 - cpu1) * 1e6) / b.events },
      raw64,
      raw1000,
      rawCpuUsPerRow: { raw64: raw64Cpu, raw1000: raw1000Cpu },
      emmett,
      lastPosition: b.lastPosition,
    };
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
