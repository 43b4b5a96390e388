import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { emmettAppendRate, type EmmettResult } from '../baselines/emmett';
import { startBareServer } from '../baselines/bare-servers';
import { rawInsertRate } from '../baselines/raw-sqlite';
import type { BatchItem } from '../gen/workload';
import { HttpClient } from '../lib/http-load';
import { runLoad, type MeasuredLoad } from '../lib/load';
import type { LoadRequest } from '../lib/load-client';
import { logRowOf } from '../lib/log-rows';
import type { ServiceProcess } from '../lib/service';
import { waitVisible } from '../lib/visibility';

/**
 * Ingestion over HTTP with durable acknowledgement (the service answers 202 once the append is fsynced), driven by
 * autocannon in its own process: one event per POST /v1/events with 64 connections, then POST /v1/ingest with 1000
 * events per request, 2 in flight. Beside them, in the same run: a bare node:http server that parses the same POST
 * bodies and answers 202 (64 and 128 connections: more connections not raising its rate shows it saturated), raw
 * better-sqlite3 inserts of the same rows (64 and 1000 per transaction) and Emmett appending them one by one.
 */
export interface IngestSizes {
  singles: number;
  batches: number;
  emmettSeconds: number;
  bareSeconds: number;
}

export interface IngestResult {
  singles: MeasuredLoad;
  bare: { at64: MeasuredLoad; at128: MeasuredLoad };
  /** catchUpMs: from the last batch's answer until the read models show it (the projector keeping up). */
  batches: MeasuredLoad & { events: number; catchUpMs: number };
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

function withCpu(run: () => number, rows: number): [number, number] {
  const before = process.cpuUsage();
  const rate = run();
  const used = process.cpuUsage(before);
  return [rate, (used.user + used.system) / rows];
}

async function barePost(requests: LoadRequest[], seconds: number) {
  const bare = await startBareServer('bare-post-server.js');
  try {
    const spec = { kind: 'closed' as const, url: bare.url, method: 'POST' as const, requests, seconds, expect: 202, warmup: 2000 };
    const at64 = await runLoad({ ...spec, connections: SINGLE_CONNECTIONS }, bare.pid);
    const at128 = await runLoad({ ...spec, connections: 2 * SINGLE_CONNECTIONS }, bare.pid);
    return { at64, at128 };
  } finally {
    await bare.stop();
  }
}

async function timeCatchUp(service: ServiceProcess, last: BatchItem, position: string): Promise<number> {
  const started = performance.now();
  const client = new HttpClient(service.url, 1);
  try {
    await waitVisible(client, last.identities[0], position);
  } finally {
    client.close();
  }
  return performance.now() - started;
}

function check(load: MeasuredLoad, what: string): MeasuredLoad {
  if (load.failures > 0) throw new Error(`${what}: ${load.failures} failed requests (${JSON.stringify(load.statuses)})`);
  return load;
}

export async function runIngest(service: ServiceProcess, events: readonly BatchItem[], sizes: IngestSizes): Promise<IngestResult> {
  const single = events.slice(0, sizes.singles);
  const batched = events.slice(sizes.singles, sizes.singles + sizes.batches * BATCH_SIZE);
  const singleRequests = single.map((e) => ({ path: '/v1/events', body: JSON.stringify(bodyOf(e)) }));
  const batchRequests: LoadRequest[] = [];
  for (let i = 0; i < batched.length; i += BATCH_SIZE) batchRequests.push({ path: '/v1/ingest', body: JSON.stringify(batched.slice(i, i + BATCH_SIZE)) });
  const base = { kind: 'closed' as const, url: service.url, method: 'POST' as const, trackPosition: true, unique: true };
  // Service and its bare baseline back to back, so both see the same machine.
  const s = check(await runLoad({ ...base, requests: singleRequests, connections: SINGLE_CONNECTIONS, amount: single.length, expect: 202 }, service.pid), 'POST /v1/events');
  const bare = await barePost(singleRequests, sizes.bareSeconds);
  const b = check(await runLoad({ ...base, requests: batchRequests, connections: BATCHES_IN_FLIGHT, amount: batchRequests.length, expect: 207, failIfBody: '"error"' }, service.pid), 'POST /v1/ingest');
  const catchUpMs = await timeCatchUp(service, batched[batched.length - 1], b.lastPosition ?? '0');
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tessera-bench-raw-'));
  try {
    const singleRows = single.map(logRowOf);
    const batchRows = batched.map(logRowOf);
    const [raw64, raw64Cpu] = withCpu(() => rawInsertRate(dir, 'raw64', singleRows, SINGLE_CONNECTIONS), singleRows.length);
    const [raw1000, raw1000Cpu] = withCpu(() => rawInsertRate(dir, 'raw1000', batchRows, BATCH_SIZE), batchRows.length);
    const emmett = await emmettAppendRate(dir, singleRows, sizes.emmettSeconds);
    return {
      singles: s,
      bare,
      batches: { ...b, events: batched.length, catchUpMs },
      raw64,
      raw1000,
      rawCpuUsPerRow: { raw64: raw64Cpu, raw1000: raw1000Cpu },
      emmett,
      lastPosition: b.lastPosition ?? s.lastPosition ?? '0',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
