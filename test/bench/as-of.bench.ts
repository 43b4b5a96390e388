/**
 * asOf latency benchmark (a script, not a test):
 *   npx tsc -p tsconfig.json --outDir /tmp/asof && node /tmp/asof/test/bench/as-of.bench.js [--stages 10000,1000000]
 * One subject (CRMID + cookie, a record and 99 experience events: 100 items in its own stream) is logged among
 * filler traffic (experience events of 100k other cookies, every 10th joined to an e-mail by a link) in a SQLite
 * log (filler in batched appends: generation speed is not what is measured), projected into a SQLite read store
 * by the real projector, which writes the identity→items index. At each stage (total events in the log) it times
 * an asOf read of the subject as the service runs it (closure from the index, items read back from the log, rule
 * streams, fold, profile + graph + first events page), at a moment after everything. The cost should follow the
 * subject's 100 items, not the size of the log.
 */
import '../support/project-node-modules';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BUILT_IN_DEFAULT } from '../../src/merge-policies/merge-policy.decider';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import type { EventStore } from '../../src/event-store';
import { snapshotGraph, foldSnapshot } from '../../src/profiles/as-of/as-of-snapshot';
import { snapshotEvents, snapshotProfile } from '../../src/profiles/as-of/as-of-views';
import { ruleEventsBefore } from '../../src/profiles/as-of/log-reads';
import { loadSubjectItems } from '../../src/profiles/as-of/subject-closure';
import { Projector } from '../../src/projector';
import { openReadStore, type ReadStore } from '../../src/read-store';
import { deriveEventId, encode, type DomainEvent } from '../../src/events';
import { appendAll, experience, ids, link, record } from '../support/log-fixtures';

const { values } = parseArgs({ options: { stages: { type: 'string', default: '10000,100000,1000000' }, runs: { type: 'string', default: '30' } } });
const STAGES = values.stages!.split(',').map(Number);
const RUNS = Number(values.runs);
const SUBJECT = 'CRMID:subject-1';
const SUBJECT_ITEMS = 100;
const FILLER_COOKIES = 100_000;
const CHUNK = 10_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

function filler(from: number, count: number): DomainEvent[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const cookie = `ECID:f-${i % FILLER_COOKIES}`;
    return i % 10 === 9 ? link(T0 + i, ids(cookie, `Email:f-${i % FILLER_COOKIES}@x.test`)) : experience(T0 + i, ids(cookie));
  });
}

function subjectItems(): DomainEvent[] {
  const own = ids(SUBJECT, 'ECID:subject-cookie');
  return [
    record('crm', T0, own, { name: 'Subject', tier: 'gold' }),
    ...Array.from({ length: SUBJECT_ITEMS - 1 }, (_, i) => experience(T0 + i + 1, ids('ECID:subject-cookie'), 'pageView', { n: i })),
  ];
}

/** Grows the log to `target` events; the subject's items go in among the first stage's filler, in its own stream. */
async function grow(log: EventStore, from: number, target: number, pending: DomainEvent[]): Promise<void> {
  for (let at = from; at < target; ) {
    const chunk = Math.min(pending.length > 0 ? 1000 : CHUNK, target - at);
    const own = pending.splice(0, 10);
    await appendFiller(log, filler(at, chunk - own.length));
    if (own.length > 0) await appendAll(log, own, 'subject-own');
    at += chunk;
  }
}

/** Filler goes in 500 events per append, 8 appends in flight: generation speed is not what this measures. */
async function appendFiller(log: EventStore, events: DomainEvent[]): Promise<void> {
  const batches: DomainEvent[][] = [];
  for (let i = 0; i < events.length; i += 500) batches.push(events.slice(i, i + 500));
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(batches.slice(i, i + 8).map((batch, k) => log.append(`filler-${(i + k) % 64}`, batch.map(encoded))));
  }
}

function encoded(event: DomainEvent) {
  const data = event.data as { itemId: string; source: string };
  return encode(event, deriveEventId(event.type, data.source, data.itemId));
}

async function asOfRead(log: EventStore, store: ReadStore, asOf: number) {
  const items = await loadSubjectItems(store, log, SUBJECT, asOf);
  const snapshot = foldSnapshot(SUBJECT, items, await ruleEventsBefore(log, asOf), (g) => `p_${g}`);
  const profile = snapshotProfile(snapshot, BUILT_IN_DEFAULT);
  const graph = snapshotGraph(snapshot);
  const events = snapshotEvents(snapshot, { order: 'desc', limit: 100 });
  return { items: items.length, profile, graph, events };
}

async function measure(log: EventStore, store: ReadStore) {
  const asOf = Date.now() + 1;
  const first = await asOfRead(log, store, asOf);
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    await asOfRead(log, store, asOf);
    times.push(performance.now() - started);
  }
  times.sort((x, y) => x - y);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
  return { closure: first.items, events: first.events.items.length, p50: pct(0.5), p95: pct(0.95), max: times.at(-1)!.toFixed(2) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-asof-bench-'));
  const log = openSqliteEventStore(join(dir, 'log.db'));
  const store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read.db') });
  const projector = new Projector(log, store, { profileIdOf: (g) => `p_${g}`, batchSize: 1000 });
  projector.start();
  const pending = subjectItems();
  let size = 0;
  console.log(`asOf of one subject (${SUBJECT_ITEMS} items), ${RUNS} runs per stage, SQLite log + read store in ${dir}`);
  try {
    for (const stage of STAGES) {
      const started = performance.now();
      await grow(log, size, stage, pending);
      const appended = performance.now();
      if (!(await projector.whenIdle(3_600_000))) throw new Error('projector did not catch up');
      const projected = performance.now();
      size = stage;
      const m = await measure(log, store);
      const gen = `append ${((appended - started) / 1000).toFixed(1)} s, project ${((projected - appended) / 1000).toFixed(1)} s`;
      console.log(`log ${stage.toLocaleString('en')} events: closure ${m.closure} items, events page ${m.events}; asOf p50 ${m.p50} ms, p95 ${m.p95} ms, max ${m.max} ms (${gen})`);
    }
  } finally {
    await projector.stop();
    await store.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
