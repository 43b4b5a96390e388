import '../support/project-node-modules';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { IdentityRef } from '../../projections/model';
import { loadConfig } from '../../src/config';
import { createEventStore } from '../../src/event-log';
import { deriveEventId, encode, type DomainEvent } from '../../src/events';
import { subjectStream } from '../../src/identity/subject-stream';
import { startApp } from '../../src/main';
import { Projector } from '../../src/projector';
import { pageView } from './lib/page-view';

/**
 * Privacy figures, in one run:
 * 1. ingest throughput with log encryption on and off, side by side (alternating rounds, same workload, the
 *    projector left out of the process so only ingestion is measured): POST /v1/ingest batches of 1000 events;
 * 2. erasure at scale: a log generated straight into the (encrypting) event store for at most BENCH_GEN_SECONDS
 *    or BENCH_LOG_EVENTS events, one person holding BENCH_TARGET_EVENTS of them, spread over the whole log; the
 *    service then projects it, and the time from POST /v1/privacy/requests to `completed` is measured.
 * Run: npx tsc -p tsconfig.bench.json --outDir /tmp/privacy-bench && node /tmp/privacy-bench/test/bench/privacy.bench.js
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 20);
const LOG_EVENTS = Number(process.env.BENCH_LOG_EVENTS ?? 1_000_000);
const GEN_SECONDS = Number(process.env.BENCH_GEN_SECONDS ?? 180);
const TARGET_EVENTS = Number(process.env.BENCH_TARGET_EVENTS ?? 1000);
/** Every n-th generated event belongs to a target person (alternately A and B) until each holds TARGET_EVENTS. */
const TARGET_SPACING = Number(process.env.BENCH_TARGET_SPACING ?? 200);
const say = (text: string) => process.stderr.write(`[privacy bench +${process.uptime().toFixed(0)}s] ${text}\n`);

async function ingestRound(encryption: 'on' | 'off', round: number): Promise<number> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tessera-privacy-ingest-'));
  const config = await loadConfig({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent', LOG_ENCRYPTION: encryption, PROJECTOR: 'external' });
  const running = await startApp(config);
  try {
    const started = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < BATCHES) {
        const b = next++;
        const items = Array.from({ length: 1000 }, (_, i) => ({ kind: 'event', ...pageView(round * 10_000_000 + b * 1000 + i) }));
        const res = await fetch(`${running.url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) });
        if (res.status !== 207) throw new Error(`batch refused: ${res.status}`);
        await res.arrayBuffer();
      }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
    return (BATCHES * 1000) / ((performance.now() - started) / 1000);
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A is linked to nobody else; B also used a device of another person (a removed link: others are re-derived). */
const TARGETS: IdentityRef[] = [{ namespace: 'CRMID', id: 'target-a' }, { namespace: 'CRMID', id: 'target-b' }];

/** Event n of the generated log: targets A and B take turns on every TARGET_SPACING-th event, the rest 10-event people. */
function generated(n: number): { event: DomainEvent; eventId: string } {
  const turn = n % TARGET_SPACING === 0 ? n / TARGET_SPACING : -1;
  const target = turn >= 0 && turn < 2 * TARGET_EVENTS ? TARGETS[turn % 2] : undefined;
  const person = target ?? { namespace: 'CRMID', id: `p-${Math.floor(n / 10)}` };
  const cookie = { namespace: 'ECID', id: target ? `${target.id}-cookie-${turn % 7}` : `c-${Math.floor(n / 10)}` };
  const data = { itemId: `g-${n}`, source: 'web', type: 'pageView', timestamp: new Date(1_700_000_000_000 + n * 1000).toISOString() };
  const event: DomainEvent = {
    type: 'ExperienceEventIngested',
    data: { ...data, identities: [person, cookie], primary: person, data: { url: `/p/${n % 500}`, n } },
  };
  return { event, eventId: deriveEventId('event', 'web', `g-${n}`) };
}

async function generateLog(dataDir: string): Promise<number> {
  const config = await loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const log = createEventStore(config);
  const deadline = performance.now() + GEN_SECONDS * 1000;
  let n = 0;
  for (const target of TARGETS) {
    for (const source of ['crm', 'loyalty', 'shop']) {
      const itemId = `${target.id}-${source}`;
      const record: DomainEvent = { type: 'RecordIngested', data: { itemId, source, timestamp: new Date().toISOString(), identities: [target], primary: target, attributes: { name: 'Target Person', source } } };
      await log.append(subjectStream(config.identityHashKey!, target), [encode(record, deriveEventId('record', source, itemId))]);
    }
  }
  const shared = [TARGETS[1], { namespace: 'ECID', id: 'c-0' }];
  const link: DomainEvent = { type: 'LinkObserved', data: { itemId: 'shared-device', source: 'app', timestamp: new Date().toISOString(), identities: shared } };
  await log.append(subjectStream(config.identityHashKey!, TARGETS[1]), [encode(link, deriveEventId('link', 'app', 'shared-device'))]);
  while (n < LOG_EVENTS && performance.now() < deadline) {
    const window = Array.from({ length: Math.min(4096, LOG_EVENTS - n) }, (_, i) => generated(n + i));
    await Promise.all(
      window.map((g) => {
        const primary = (g.event.data as { primary: IdentityRef }).primary;
        return log.append(subjectStream(config.identityHashKey!, primary), [encode(g.event, g.eventId)]);
      }),
    );
    n += window.length;
    if (n % 100_000 < 4096) say(`generated ${n} events`);
  }
  await log.close();
  return n;
}

const dirBytes = (dir: string) => readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

async function erase(url: string, identity: IdentityRef): Promise<Record<string, number>> {
  const started = performance.now();
  const res = await fetch(`${url}/v1/privacy/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'erase', identity, scope: 'graph' }) });
  const { requestId } = (await res.json()) as { requestId: string };
  let status: { status: string; counts?: { events: number; identities: number } } = { status: 'pending' };
  while (status.status === 'pending' || status.status === 'running') {
    await new Promise((r) => setTimeout(r, 20));
    status = (await (await fetch(`${url}/v1/privacy/requests/${requestId}`)).json()) as typeof status;
  }
  if (status.status !== 'completed') throw new Error(`erasure ${status.status}`);
  return { ms: performance.now() - started, events: status.counts!.events, identities: status.counts!.identities };
}

const prefixed = (p: string, o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p}_${k}`, v]));

async function erasureAtScale(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tessera-privacy-erase-'));
  try {
    const genStarted = performance.now();
    const events = await generateLog(dir);
    const genSeconds = (performance.now() - genStarted) / 1000;
    say(`log: ${events} events in ${genSeconds.toFixed(0)} s; projecting`);
    const projectStarted = performance.now();
    // BENCH_SERVICE_LOG=info shows the service's log, with the time each erasure step took.
    const running = await startApp(await loadConfig({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: process.env.BENCH_SERVICE_LOG ?? 'silent' }));
    say(`service started in ${((performance.now() - projectStarted) / 1000).toFixed(1)} s`);
    try {
      if (!(await running.app.get(Projector).whenIdle(3_600_000))) throw new Error('projector did not catch up');
      const projectSeconds = (performance.now() - projectStarted) / 1000;
      const bytesBefore = dirBytes(dir);
      say(`projected in ${projectSeconds.toFixed(0)} s; erasing`);
      const [a, b] = [await erase(running.url, TARGETS[0]), await erase(running.url, TARGETS[1])];
      return { logEvents: events, genSeconds, projectSeconds, ...prefixed('a', a), ...prefixed('b', b), dataMiBBefore: bytesBefore / 2 ** 20, dataMiBAfter: dirBytes(dir) / 2 ** 20 };
    } finally {
      await running.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rates: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['on', 'off'] as const) rates[mode].push(await ingestRound(mode, round * 2 + (mode === 'on' ? 0 : 1)));
  }
  const best = (xs: number[]) => Math.round(Math.max(...xs));
  console.log(`ingest, POST /v1/ingest ${BATCHES} x 1000 events, 4 in flight, ${ROUNDS} alternating rounds (best; all):`);
  console.log(`  encryption on : ${best(rates.on)} items/s  (${rates.on.map(Math.round).join(', ')})`);
  console.log(`  encryption off: ${best(rates.off)} items/s  (${rates.off.map(Math.round).join(', ')})`);
  if (process.env.BENCH_SKIP_ERASURE) return;
  const e = await erasureAtScale();
  console.log(`erasure, request -> completed, in a log of ${e.logEvents} events:`);
  console.log(`  person A, ${e.a_events} events, ${e.a_identities} identities, linked to nobody else: ${(e.a_ms / 1000).toFixed(2)} s`);
  console.log(`  person B, ${e.b_events} events, ${e.b_identities} identities, shared a device (every graph re-derived): ${(e.b_ms / 1000).toFixed(2)} s`);
  console.log(`  (log generated in ${e.genSeconds.toFixed(0)} s, projected in ${e.projectSeconds.toFixed(0)} s; DATA_DIR ${e.dataMiBBefore.toFixed(0)} MiB -> ${e.dataMiBAfter.toFixed(0)} MiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
