import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runFreshness } from '../scenarios/freshness';
import type { BatchItem } from '../gen/workload';
import { CLIENT_STALL_MS, openLoop } from './http-load';
import { RawGetClient } from './raw-get';
import { summarise, type LatencySummary } from './stats';

/**
 * The load client, always in its own process (`node load-client.js <spec.json> <result.json>`), so it never shares
 * an event loop with the service or the bare servers, and its own CPU use can be reported beside theirs:
 * - closed: autocannon (programmatic API), `connections` keep-alive connections, each sending its next request as
 *   soon as the previous answered, for `seconds` or `amount` requests (throughput at saturation);
 * - paced: requests started at a fixed arrival rate whatever the answers (latency under a given load). autocannon's
 *   own rate limit is not an arrival process: each connection sends its whole per-second quota back to back when its
 *   one-second interval fires (lib/httpClient.js `reqsMadeThisSecond`), so at 2,000 req/s it measures bursts at
 *   saturation, not 2,000 evenly spaced requests. This loop spaces them (0.5 ms apart at 2,000/s);
 * - freshness: the freshness scenario's paced POST + probe GET, in this process for the same reason.
 * The client prints "start" right before its timed window and "end" right after, so the runner samples the server's
 * CPU over exactly that window.
 */
export interface LoadRequest {
  path: string;
  body?: string;
}

interface Common {
  url: string;
  connections: number;
  /** Untimed requests sent first (JIT warm-up of both sides); only where re-sending is harmless. */
  warmup?: number;
}

export type LoadSpec =
  | (Common & { kind: 'closed'; method: 'GET' | 'POST'; requests: LoadRequest[]; unique?: boolean; seconds?: number; amount?: number; expect: number; failIfBody?: string; trackPosition?: boolean })
  | (Common & { kind: 'paced'; method: 'GET'; requests: LoadRequest[]; rate: number; seconds: number; expect: number })
  | (Common & { kind: 'freshness'; events: BatchItem[]; rate: number; seconds: number });

export interface LoadResult {
  requests: number;
  seconds: number;
  rate: number;
  latency: LatencySummary;
  /** Answers other than the expected status, bodies failing the check, socket errors and timeouts. */
  failures: number;
  statuses: Record<string, number>;
  clientCpuSeconds: number;
  lastPosition?: string;
  detail?: unknown;
}

type Autocannon = (opts: Record<string, unknown>) => AutocannonInstance;
interface AutocannonInstance extends PromiseLike<AutocannonSummary> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
interface AutocannonSummary {
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
// autocannon ships no type declarations: the few fields used here are declared above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

/** Requests built per connection when bodies may repeat: a bounded set, cycled (POST bodies are ~1.3 KB each). */
const STATIC_REQUESTS = { GET: 1000, POST: 200 };
const later = (a: string, b: string) => (a.length !== b.length ? a.length > b.length : a > b);

async function closed(spec: Extract<LoadSpec, { kind: 'closed' }>, timed: boolean): Promise<LoadResult> {
  const bodies = spec.requests;
  let next = 0;
  let failures = 0;
  let lastPosition: string | undefined;
  const latencies: number[] = [];
  const amount = timed ? spec.amount : spec.warmup;
  const check = (status: number, body: string) => {
    if (status !== spec.expect || (spec.failIfBody && body.includes(spec.failIfBody))) failures++;
    if (!spec.trackPosition) return;
    for (const m of body.matchAll(/"position":"(\d+)"/g)) if (!lastPosition || later(m[1], lastPosition)) lastPosition = m[1];
  };
  const headers = spec.method === 'POST' ? { 'content-type': 'application/json' } : {};
  // Unique bodies (every event sent once) need a shared counter, so each request is built when sent. Otherwise the
  // requests are built once per connection and cycled, which keeps the client's own cost per request low.
  const requests = spec.unique
    ? [{ method: spec.method, headers, onResponse: check, setupRequest: (req: Record<string, unknown>) => ({ ...req, ...bodies[next++ % bodies.length] }) }]
    : bodies.slice(0, STATIC_REQUESTS[spec.method]).map((r) => ({ method: spec.method, headers, onResponse: check, ...r }));
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(amount ? { amount } : { duration: spec.seconds }),
    timeout: 60,
    requests,
  });
  const started = performance.now();
  let lastAnswer = started;
  instance.on('response', (_c, _s, _b, ms) => {
    latencies.push(ms);
    lastAnswer = performance.now();
  });
  const summary = await instance;
  // With `amount`, autocannon resolves at its next one-second tick, not at the last answer (1,000 requests answered
  // in 0.16 s resolve after 1.03 s): the run lasts until the last answer. A timed run lasts its duration.
  const seconds = ((amount ? lastAnswer : performance.now()) - started) / 1000;
  const statuses = Object.fromEntries(Object.entries(summary.statusCodeStats).map(([k, v]) => [k, v.count]));
  failures += summary.errors + summary.timeouts;
  return { requests: latencies.length, seconds, rate: latencies.length / seconds, latency: summarise(latencies), failures, statuses, clientCpuSeconds: 0, lastPosition };
}

/**
 * What the paced window's client did to its own figure: the spans its loop stood still (ClientStall) and the
 * latency of the requests none of them touched (sent on time, answered outside every stall). The window's p99 stays
 * the figure of all requests; this says how much of it was the client's.
 */
export interface PacedClientDetail {
  stalls: number;
  stalledMs: number;
  longestStallMs: number;
  /** Requests sent more than CLIENT_STALL_MS late, or in flight during a stall. */
  touched: number;
  untouched: LatencySummary;
}

async function paced(spec: Extract<LoadSpec, { kind: 'paced' }>): Promise<LoadResult> {
  const client = new RawGetClient(spec.url, spec.connections);
  const statuses: Record<string, number> = {};
  const spans: Array<[number, number]> = [];
  try {
    const loop = await openLoop(spec.rate, spec.seconds, async (i) => {
      const t = performance.now();
      const status = await client.get(spec.requests[i % spec.requests.length].path);
      statuses[status] = (statuses[status] ?? 0) + 1;
      const end = performance.now();
      spans[i] = [t, end];
      return end - t;
    });
    const failures = loop.sent - (statuses[spec.expect] ?? 0);
    const untouched: number[] = [];
    let touched = 0;
    // Stalls are in time order and so are sends: one pointer walks them (a stall ending before a send touches none after).
    let first = 0;
    spans.forEach(([t, end], i) => {
      while (first < loop.stalls.length && loop.stalls[first].end < t) first++;
      let hit = loop.sendSlipMs[i] > CLIENT_STALL_MS;
      for (let k = first; !hit && k < loop.stalls.length && loop.stalls[k].start <= end; k++) hit = loop.stalls[k].end >= t;
      if (hit) touched++;
      else untouched.push(end - t);
    });
    const lengths = loop.stalls.map((s) => s.end - s.start);
    const detail: PacedClientDetail = {
      stalls: lengths.length,
      stalledMs: lengths.reduce((a, b) => a + b, 0),
      longestStallMs: Math.max(0, ...lengths),
      touched,
      untouched: summarise(untouched),
    };
    return { requests: loop.sent, seconds: loop.seconds, rate: loop.sent / loop.seconds, latency: summarise(loop.latenciesMs), failures, statuses, clientCpuSeconds: 0, detail };
  } finally {
    client.close();
  }
}

async function freshness(spec: Extract<LoadSpec, { kind: 'freshness' }>): Promise<LoadResult> {
  const run = await runFreshness(spec.url, spec.events, spec.rate, spec.seconds);
  return { requests: run.ack.count, seconds: spec.seconds, rate: run.ackedRate, latency: run.freshness, failures: run.stale, statuses: {}, clientCpuSeconds: 0, detail: run };
}

async function warmUp(spec: LoadSpec): Promise<void> {
  if (spec.kind === 'freshness' || !spec.warmup) return;
  await closed({ ...spec, kind: 'closed', expect: spec.expect, method: spec.method }, false);
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadSpec;
  await warmUp(spec);
  process.stdout.write('start\n');
  const cpu = process.cpuUsage();
  const result = spec.kind === 'closed' ? await closed(spec, true) : spec.kind === 'paced' ? await paced(spec) : await freshness(spec);
  const used = process.cpuUsage(cpu);
  process.stdout.write('end\n');
  writeFileSync(process.argv[3], JSON.stringify({ ...result, clientCpuSeconds: (used.user + used.system) / 1e6 }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`load client failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
