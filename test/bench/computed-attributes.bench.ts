/**
 * Computed-attributes benchmark (a script, not a test; H17 wires it into `npm run bench`):
 *   npx tsc -p tsconfig.bench.json && node dist-bench/test/bench/computed-attributes.bench.js [--items N] [--lapses M]
 * Over the bench workload (gen/workload.ts, timestamps moved to end an hour ago, so windows hold events), in-process
 * Projector over SQLite files in a temp dir:
 * - per-event projection cost: the whole log folded with 0 and with 20 definitions (goal: ≤ 1.2×);
 * - backfill rate: the log folded first, then the 20 definitions saved; profiles/s until every backfill is ready,
 *   and meanwhile the freshness of live items (append → applied, p50/p99/max; goal p99 < 100 ms);
 * - lapse lag: M events whose 5-second windows fall due spread over ~4 s; per lapse, applied − due (p50/p99/max).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { COMPUTED_ATTRIBUTES_STREAM } from '../../src/computed-attributes/stream';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import type { EventStore } from '../../src/event-store/event-store.port';
import { encode, type DomainEvent } from '../../src/events';
import { Projector } from '../../src/projector';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import type { ReadStore } from '../../src/read-store/read-store.port';
import { appendAll, appendConcurrently, experience } from '../support/log-fixtures';
import { TWENTY } from './computed/definitions';
import { takeItems } from './gen/workload';
import { domainEvents } from './lib/domain-events';
import { summarise } from './lib/stats';

const { values } = parseArgs({ options: { items: { type: 'string', default: '100000' }, lapses: { type: 'string', default: '2000' } } });

async function defineTwenty(log: EventStore): Promise<void> {
  let revision: number | 'no_stream' = 'no_stream';
  for (const [name, spec] of Object.entries(TWENTY)) {
    const event: DomainEvent = { type: 'ComputedAttributeSaved', data: { name, version: 1, ...spec } };
    revision = (await log.append(COMPUTED_ATTRIBUTES_STREAM, [encode(event, randomUUID())], revision)).nextExpectedRevision;
  }
}

async function withStores<T>(work: (log: EventStore, store: ReadStore, projector: Projector) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-computed-bench-'));
  const log = openSqliteEventStore(join(dir, 'events.sqlite'));
  const store = await openSqliteReadStore(join(dir, 'read-models.sqlite'));
  const projector = new Projector(log, store, { profileIdOf: (g) => `p-${g}` });
  try {
    return await work(log, store, projector);
  } finally {
    await projector.stop();
    await store.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function foldCost(events: DomainEvent[], definitions: boolean): Promise<number> {
  return withStores(async (log, _store, projector) => {
    if (definitions) await defineTwenty(log);
    await appendConcurrently(log, events);
    const started = performance.now();
    projector.start();
    if (!(await projector.whenIdle(3_600_000))) throw new Error('the fold did not finish');
    return (performance.now() - started) / events.length;
  });
}

async function backfillRate(events: DomainEvent[]) {
  return withStores(async (log, store, projector) => {
    await appendConcurrently(log, events);
    projector.start();
    await projector.whenIdle(3_600_000);
    const profiles = await store.countProfiles();
    const started = performance.now();
    await defineTwenty(log);
    const freshness: number[] = [];
    await projector.whenIdle(60_000);
    for (let i = 0; !projector.computedSettled; i++) {
      // Live items while the backfill runs: append → applied, the projector's freshness (no HTTP in between).
      const sent = performance.now();
      const position = await appendAll(log, [experience(Date.now(), [{ namespace: 'CRMID', id: `live-${i}` }], 'purchase', { commerce: { order: { total: 1 } } })]);
      if (!(await projector.whenProcessed(position, 60_000))) throw new Error('a live item was not applied');
      freshness.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { profiles, perSecond: profiles / ((performance.now() - started) / 1000), liveFreshnessMs: summarise(freshness) };
  });
}

async function lapseLag(count: number) {
  return withStores(async (log, store, projector) => {
    const lags: number[] = [];
    const due = new Map<string, number>();
    const getDue = store.getDueComputed.bind(store);
    store.getDueComputed = async (now, limit) => {
      const rows = await getDue(now, limit);
      for (const r of rows) if (r.dueAt !== undefined && r.dueAt <= Date.now()) due.set(r.graphId, r.dueAt);
      return rows;
    };
    const commit = store.commitComputed.bind(store);
    store.commitComputed = async (writes) => {
      await commit(writes);
      const at = Date.now();
      for (const v of writes.values?.upsert ?? []) if (due.has(v.graphId)) lags.push(at - due.get(v.graphId)!), due.delete(v.graphId);
    };
    const event: DomainEvent = { type: 'ComputedAttributeSaved', data: { name: 'recent', version: 1, function: 'count', window: { last: '5s' } } };
    await log.append(COMPUTED_ATTRIBUTES_STREAM, [encode(event, randomUUID())], 'no_stream');
    projector.start();
    const start = Date.now();
    const events = Array.from({ length: count }, (_, i) => experience(start - 3_000 + Math.floor((i * 4_000) / count), [{ namespace: 'CRMID', id: `lapse-${i}` }]));
    await appendConcurrently(log, events);
    await projector.whenIdle(60_000);
    while (lags.length < count && Date.now() < start + 20_000) await new Promise((r) => setTimeout(r, 50));
    return { lapses: lags.length, lag: summarise(lags) };
  });
}

async function main(): Promise<void> {
  const items = takeItems(Number(values.items), { persons: Math.ceil(Number(values.items) / 20), seed: 7 });
  const events = domainEvents(items);
  const bare = await foldCost(events, false);
  const twenty = await foldCost(events, true);
  const backfill = await backfillRate(events);
  const lapses = await lapseLag(Number(values.lapses));
  const result = {
    items: events.length,
    perEventMs: { none: bare, twenty, ratio: twenty / bare },
    backfill,
    lapses,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
