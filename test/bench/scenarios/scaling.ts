import { performance } from 'node:perf_hooks';
import { workload, type BatchItem } from '../gen/workload';
import { closedLoop, HttpClient } from '../lib/http-load';
import { heapMetrics, type HeapMetrics } from '../lib/heap-metrics';
import { runLoad } from '../lib/load';
import type { ServiceProcess } from '../lib/service';
import { waitVisible } from '../lib/visibility';

/**
 * Scaling and memory: the full workload (records, events, links) is loaded in batches of 1000 until the log holds
 * 10k, 100k (and 1M) events. At each step, with the projector caught up, two windows are timed: ingest (single
 * events, 64 connections: µs of wall time per event) and merge (link items that each join two existing graphs,
 * posted as one batch and timed until the read models show the last of them: µs per merge). Flat figures across
 * steps mean an item costs what its own graphs cost, not what the store holds. Peak RSS (VmHWM) of the service is
 * read at every step.
 */
export interface ScalingStep {
  storedEvents: number;
  loadRate: number;
  ingestUsPerEvent: number;
  mergeUsPerItem: number;
  rssMiB: number;
  peakRssMiB: number;
  /** V8 heap used / reserved and external memory at the step (GET /metrics). */
  heap?: HeapMetrics;
}

const LOAD_BATCH = 1000;
const LOAD_IN_FLIGHT = 2;
const INGEST_WINDOW = 1000;
const MERGES = 500;

interface Cursor {
  items: Iterator<BatchItem>;
  stored: number;
  lastPosition: string;
  lastIdentity: { namespace: string; id: string };
  windows: number;
}

function nextBatch(cursor: Cursor, size: number): BatchItem[] {
  const out: BatchItem[] = [];
  while (out.length < size) {
    const next = cursor.items.next();
    if (next.done) throw new Error('the scaling workload ran out of items');
    out.push(next.value);
  }
  return out;
}

async function postBatch(client: HttpClient, cursor: Cursor, items: BatchItem[]): Promise<void> {
  const reply = await client.post('/v1/ingest', items);
  if (reply.status !== 207) throw new Error(`POST /v1/ingest answered ${reply.status}: ${reply.body.slice(0, 200)}`);
  const results = (JSON.parse(reply.body) as { results: { status: number; position?: string }[] }).results;
  const last = results[results.length - 1];
  if (last.position && BigInt(last.position) > BigInt(cursor.lastPosition)) {
    cursor.lastPosition = last.position;
    cursor.lastIdentity = items[items.length - 1].identities[0];
  }
  cursor.stored += results.filter((r) => r.status === 202).length;
}

async function loadUntil(client: HttpClient, cursor: Cursor, target: number): Promise<number> {
  const started = performance.now();
  const from = cursor.stored;
  const batches = Math.ceil((target - cursor.stored) / LOAD_BATCH);
  await closedLoop(LOAD_IN_FLIGHT, batches, 3600, () => postBatch(client, cursor, nextBatch(cursor, LOAD_BATCH)));
  await waitVisible(client, cursor.lastIdentity, cursor.lastPosition);
  return (cursor.stored - from) / ((performance.now() - started) / 1000);
}

/** Single events of the workload's shape but their own ids (source 'bench-window'), so none is a duplicate; autocannon. */
async function ingestWindow(service: ServiceProcess, cursor: Cursor): Promise<number> {
  const events = nextBatch(cursor, INGEST_WINDOW * 3).filter((i) => i.kind === 'event').slice(0, INGEST_WINDOW);
  const w = cursor.windows++;
  const requests = events.map(({ kind: _kind, ...body }, i) => ({ path: '/v1/events', body: JSON.stringify({ ...body, id: `w${w}-${i}`, source: 'bench-window' }) }));
  const load = await runLoad({ kind: 'closed', url: service.url, method: 'POST', requests, unique: true, connections: 64, amount: requests.length, expect: 202 }, service.pid);
  if (load.failures > 0) throw new Error(`ingest window: ${load.failures} failed requests (${JSON.stringify(load.statuses)})`);
  cursor.stored += load.requests;
  return (load.seconds * 1e6) / load.requests;
}

/** Pairs of fresh two-identity graphs, then one link per pair joining them: each link is a merge of two graphs. */
async function mergeWindow(client: HttpClient, cursor: Cursor): Promise<number> {
  const w = cursor.windows++;
  const at = new Date(Date.UTC(2025, 0, 1) + w * 60_000).toISOString();
  const link = (id: string, a: [string, string], b: [string, string]): BatchItem => ({
    kind: 'link', id, source: 'bench-merge', timestamp: at,
    identities: [{ namespace: a[0], id: a[1] }, { namespace: b[0], id: b[1] }],
  });
  const setup = Array.from({ length: MERGES }, (_, i) => [
    link(`m${w}-a${i}`, ['ECID', `m${w}-c${i}`], ['Email', `m${w}-${i}@merge.example`]),
    link(`m${w}-b${i}`, ['GAID', `m${w}-d${i}`], ['Phone', `+1555${w}${String(i).padStart(6, '0')}`]),
  ]).flat();
  for (let i = 0; i < setup.length; i += LOAD_BATCH) await postBatch(client, cursor, setup.slice(i, i + LOAD_BATCH));
  await waitVisible(client, cursor.lastIdentity, cursor.lastPosition);
  const merges = Array.from({ length: MERGES }, (_, i) => link(`m${w}-j${i}`, ['Email', `m${w}-${i}@merge.example`], ['GAID', `m${w}-d${i}`]));
  const started = performance.now();
  await postBatch(client, cursor, merges);
  await waitVisible(client, cursor.lastIdentity, cursor.lastPosition);
  return ((performance.now() - started) * 1000) / MERGES;
}

export async function runScaling(service: ServiceProcess, steps: readonly number[], seed: number, onStep?: (s: ScalingStep) => void): Promise<ScalingStep[]> {
  const persons = Math.ceil(steps[steps.length - 1] / 15);
  const cursor: Cursor = { items: workload({ persons, seed }), stored: 0, lastPosition: '0', lastIdentity: { namespace: 'ECID', id: 'none' }, windows: 0 };
  const client = new HttpClient(service.url, 64);
  const out: ScalingStep[] = [];
  try {
    for (const target of steps) {
      const loadRate = await loadUntil(client, cursor, target);
      const storedEvents = cursor.stored;
      // The first window would also pay for JIT warm-up of the request path: one untimed window first.
      if (out.length === 0) await ingestWindow(service, cursor);
      const ingestUsPerEvent = await ingestWindow(service, cursor);
      const mergeUsPerItem = await mergeWindow(client, cursor);
      const step = { storedEvents, loadRate, ingestUsPerEvent, mergeUsPerItem, rssMiB: service.rssMiB(), peakRssMiB: service.peakRssMiB(), heap: await heapMetrics(service.url) };
      onStep?.(step);
      out.push(step);
    }
    return out;
  } finally {
    client.close();
  }
}
