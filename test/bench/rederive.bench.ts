import '../support/project-node-modules';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { IdentityRef } from '../../projections/model';
import { loadConfig } from '../../src/config';
import { createEventStore } from '../../src/event-log';
import { deriveEventId, encode, type DomainEvent } from '../../src/events';
import { subjectStream } from '../../src/identity/subject-stream';
import { startApp } from '../../src/main';
import { Projector } from '../../src/projector';
import { traceRederivation } from './lib/rederive-trace';

/**
 * Issue 18: what a rule change costs as the log grows, for each log size in BENCH_SIZES (default 50,000 and
 * 200,000: 4× apart), in one run:
 * - linked erasure: a person holding BENCH_TARGET_EVENTS events spread over the whole log, who shared a device with
 *   another person, erased (request → completed); a person linked to nobody is erased first, so a first erasure's
 *   one-time costs are not in the figure;
 * - link rejection: POST /v1/identity/link-rejections of one person's CRM id and cookie, until the projector has
 *   passed it (the re-derivation is in that commit);
 * - settings change: PUT /v1/identity/settings, until the streamed re-derivation of every graph is done, while a
 *   writer posts a new person's event every 50 ms and times each until a GET with its minPosition shows it; the
 *   peak RSS of this process (VmHWM, reset through /proc/self/clear_refs just before) over the re-derivation.
 * The log is generated straight into the (encrypting) event store; the service, in this process, projects it.
 * BENCH_TRACE=1: where the walk's time and memory go (lib/rederive-trace.ts), printed and in the RESULT line.
 * BENCH_LOG_CACHE=<dir>: the generated log of each size (the data directory before the service first opens it) is
 * kept in <dir>/<events> and copied back on later runs, which skip generating it (7 min at 1M); the service still
 * projects it from scratch in every run. BENCH_PREPARE=1: generate the cache and stop.
 * Run: npx tsc -p tsconfig.bench.json && node --max-old-space-size=640 dist-bench/test/bench/rederive.bench.js (the
 * service's flags, as `npm start` and `npm run bench` give it; the RESULT line states the heap limit it ran under).
 */
const SIZES = (process.env.BENCH_SIZES ?? '50000,200000').split(',').map(Number);
const TARGET_EVENTS = Number(process.env.BENCH_TARGET_EVENTS ?? 1000);
const say = (text: string) => process.stderr.write(`[rederive bench +${process.uptime().toFixed(0)}s] ${text}\n`);

const LONE: IdentityRef = { namespace: 'CRMID', id: 'target-lone' };
const LINKED: IdentityRef = { namespace: 'CRMID', id: 'target-linked' };

/** Event n: the two targets take turns on every spacing-th event until each holds TARGET_EVENTS; the rest 10-event people. */
function generated(n: number, spacing: number): { event: DomainEvent; eventId: string; primary: IdentityRef } {
  const turn = n % spacing === 0 ? n / spacing : -1;
  const target = turn >= 0 && turn < 2 * TARGET_EVENTS ? (turn % 2 === 0 ? LONE : LINKED) : undefined;
  const person = target ?? { namespace: 'CRMID', id: `p-${Math.floor(n / 10)}` };
  const cookie = { namespace: 'ECID', id: target ? `${target.id}-cookie-${turn % 7}` : `c-${Math.floor(n / 10)}` };
  const data = { itemId: `g-${n}`, source: 'web', type: 'pageView', timestamp: new Date(1_700_000_000_000 + n * 1000).toISOString() };
  const event: DomainEvent = { type: 'ExperienceEventIngested', data: { ...data, identities: [person, cookie], primary: person, data: { url: `/p/${n % 500}`, n } } };
  return { event, eventId: deriveEventId('event', 'web', `g-${n}`), primary: person };
}

async function generateLog(dataDir: string, events: number): Promise<void> {
  const config = await loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const log = createEventStore(config);
  const hashKey = config.identityHashKey!;
  const spacing = Math.max(2, Math.floor(events / (2 * TARGET_EVENTS)));
  for (const target of [LONE, LINKED]) {
    const record: DomainEvent = { type: 'RecordIngested', data: { itemId: `${target.id}-crm`, source: 'crm', timestamp: new Date().toISOString(), identities: [target], primary: target, attributes: { name: 'Target' } } };
    await log.append(subjectStream(hashKey, target), [encode(record, deriveEventId('record', 'crm', `${target.id}-crm`))]);
  }
  const shared: DomainEvent = { type: 'LinkObserved', data: { itemId: 'shared-device', source: 'app', timestamp: new Date().toISOString(), identities: [LINKED, { namespace: 'ECID', id: 'c-0' }] } };
  await log.append(subjectStream(hashKey, LINKED), [encode(shared, deriveEventId('link', 'app', 'shared-device'))]);
  for (let n = 0; n < events; n += 4096) {
    const window = Array.from({ length: Math.min(4096, events - n) }, (_, i) => generated(n + i, spacing));
    await Promise.all(window.map((g) => log.append(subjectStream(hashKey, g.primary), [encode(g.event, g.eventId)])));
    if (n % 100_000 < 4096) say(`generated ${n} events`);
  }
  await log.close();
}

async function json(url: string, method = 'GET', body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function erase(url: string, identity: IdentityRef): Promise<number> {
  const started = performance.now();
  const { body } = await json(`${url}/v1/privacy/requests`, 'POST', { type: 'erase', identity, scope: 'graph' });
  for (;;) {
    await new Promise((r) => setTimeout(r, 5));
    const status = (await json(`${url}/v1/privacy/requests/${body.requestId}`)).body.status;
    if (status === 'completed') return performance.now() - started;
    if (status === 'failed') throw new Error('erasure failed');
  }
}

async function reject(url: string, projector: Projector, n: number): Promise<number> {
  const started = performance.now();
  const from = { namespace: 'CRMID', id: `p-${n}` };
  const reply = await json(`${url}/v1/identity/link-rejections`, 'POST', { from, to: { namespace: 'ECID', id: `c-${n}` }, reason: 'bench' });
  if (reply.status !== 201) throw new Error(`rejection refused: ${reply.status}`);
  if (!(await projector.whenProcessed(reply.body.position, 600_000))) throw new Error('rejection not projected');
  return performance.now() - started;
}

const peakRssMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

/** The settings change, with a writer of new items beside it; visibility = POST → GET with its minPosition is 200. */
async function changeSettings(url: string, projector: Projector) {
  const current = (await json(`${url}/v1/identity/settings`)).body;
  writeFileSync('/proc/self/clear_refs', '5');
  const rssBefore = peakRssMiB();
  const trace = process.env.BENCH_TRACE ? traceRederivation(projector) : undefined;
  const spans: Array<{ start: number; end: number }> = [];
  const started = performance.now();
  const put = await json(`${url}/v1/identity/settings`, 'PUT', { namespaces: current.namespaces, graphCap: current.graphCap === 40 ? 41 : 40 });
  if (put.status !== 200) throw new Error(`settings refused: ${put.status}`);
  if (!(await projector.whenProcessed(put.body.position, 600_000))) throw new Error('settings not projected');
  const visible: number[] = [];
  let streaming = projector.rederivation !== undefined;
  let n = 0;
  while (projector.rederivation) {
    const t0 = performance.now();
    const id = `fresh-${Date.now()}-${n++}`;
    const event = { id, source: 'web', type: 'pageView', timestamp: new Date().toISOString(), identities: [{ namespace: 'CRMID', id }] };
    const ack = await json(`${url}/v1/events`, 'POST', event);
    const seen = await json(`${url}/v1/profiles/CRMID/${id}?minPosition=${ack.body.position}`);
    if (seen.status !== 200) throw new Error(`new item not visible: ${seen.status}`);
    visible.push(performance.now() - t0);
    spans.push({ start: t0, end: performance.now() });
    streaming = true;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!(await projector.whenIdle(3_600_000))) throw new Error('re-derivation did not finish');
  const peak = peakRssMiB(); // before the trace's heap snapshot, which takes memory of its own
  const traced = trace?.stop(spans);
  if (traced) say(`trace: ${JSON.stringify(traced, null, 1)}`);
  visible.sort((a, b) => a - b);
  const pct = (p: number) => (visible.length ? visible[Math.min(visible.length - 1, Math.floor(p * visible.length))] : NaN);
  return { ms: performance.now() - started, streamed: streaming, newItems: visible.length, visibleP50: pct(0.5), visibleP99: pct(0.99), visibleMax: visible.at(-1) ?? NaN, rssBeforeMiB: rssBefore, peakRssMiB: peak, trace: traced };
}

async function measure(events: number) {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tessera-rederive-'));
  try {
    const cache = process.env.BENCH_LOG_CACHE && join(process.env.BENCH_LOG_CACHE, String(events));
    const cached = cache !== undefined && existsSync(join(cache, 'READY'));
    let genSeconds = NaN;
    if (cached) cpSync(cache, dir, { recursive: true });
    else {
      const t = performance.now();
      await generateLog(dir, events);
      genSeconds = (performance.now() - t) / 1000;
      if (cache) {
        rmSync(cache, { recursive: true, force: true });
        cpSync(dir, cache, { recursive: true });
        writeFileSync(join(cache, 'READY'), '');
      }
    }
    if (process.env.BENCH_PREPARE) return { events, genSeconds, projectSeconds: NaN, loneErasureMs: NaN, linkedErasureMs: NaN, rejectionMs: NaN, rejectionsMs: [], settings: undefined };
    const t = performance.now();
    const running = await startApp(await loadConfig({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: process.env.BENCH_SERVICE_LOG ?? 'silent' }));
    const projector = running.app.get(Projector);
    try {
      if (!(await projector.whenIdle(7_200_000))) throw new Error('projector did not catch up');
      const projectSeconds = (performance.now() - t) / 1000;
      say(`${events} events: ${cached ? `log copied from ${cache}` : `generated in ${genSeconds.toFixed(0)} s`}, projected in ${projectSeconds.toFixed(0)} s; measuring`);
      const lone = await erase(running.url, LONE);
      const linked = await erase(running.url, LINKED);
      const rejections = [await reject(running.url, projector, 7), await reject(running.url, projector, 1007)];
      // BENCH_SKIP_SETTINGS=1: the erasure and rejection figures alone (BENCH_SERVICE_LOG=info logs each erasure step's time).
      const settings = process.env.BENCH_SKIP_SETTINGS ? undefined : await changeSettings(running.url, projector);
      return { events, genSeconds, projectSeconds, loneErasureMs: lone, linkedErasureMs: linked, rejectionMs: Math.min(...rejections), rejectionsMs: rejections, settings };
    } finally {
      await running.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results = [];
  for (const size of SIZES) {
    const r = await measure(size);
    results.push(r);
    const origin = `${Number.isNaN(r.genSeconds) ? 'log copied from BENCH_LOG_CACHE' : `generated ${r.genSeconds.toFixed(0)} s`}, projected ${r.projectSeconds.toFixed(0)} s`;
    console.log(`log ${r.events.toLocaleString('en')} events (${origin}):`);
    console.log(`  linked erasure ${(r.linkedErasureMs / 1000).toFixed(2)} s (a lone one first: ${(r.loneErasureMs / 1000).toFixed(2)} s)`);
    console.log(`  link rejection ${r.rejectionMs.toFixed(0)} ms (runs: ${r.rejectionsMs.map((m) => m.toFixed(0)).join(', ')})`);
    const s = r.settings;
    if (s) console.log(`  settings change ${(s.ms / 1000).toFixed(1)} s, streamed ${s.streamed}; ${s.newItems} new items during it, visible p50 ${s.visibleP50.toFixed(0)} ms, p99 ${s.visibleP99.toFixed(0)} ms, max ${s.visibleMax.toFixed(0)} ms; peak RSS over it ${s.peakRssMiB.toFixed(0)} MiB (RSS at its start ${s.rssBeforeMiB.toFixed(0)} MiB)`);
  }
  if (results.length >= 2) {
    const [small, large] = [results[0], results[results.length - 1]];
    const growth = large.events / small.events;
    console.log(`growth ${growth.toFixed(1)}x log: linked erasure ${(large.linkedErasureMs / small.linkedErasureMs).toFixed(2)}x, link rejection ${(large.rejectionMs / small.rejectionMs).toFixed(2)}x`);
  }
  console.log(`heap limit ${(getHeapStatistics().heap_size_limit / 2 ** 20).toFixed(0)} MiB (node ${process.execArgv.join(' ') || 'without flags'})`);
  console.log(`RESULT ${JSON.stringify(results)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
