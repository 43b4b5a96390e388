/**
 * Audiences benchmark (issue 14), run by `npm run bench` (scenario `audiences`) or alone:
 *   npx tsc -p tsconfig.bench.json && node dist-bench/test/bench/audiences.bench.js [--items N] [--seconds S] [--previews P]
 *   [--transitions-only] (the folds and the paced phases alone); AUDIENCE_TRACE=<file> writes each entry's latency and
 *   each projector batch as NDJSON, in wall-clock ms beside lib/stall-trace.ts's lines.
 * Over the bench workload (gen/workload.ts, timestamps moved to end an hour ago, so windows hold events), in-process
 * Projector over SQLite files in a temp dir, no HTTP:
 * - per-event projection cost: the whole log folded with no audience and with the fifty of audiences/definitions.ts
 *   (attribute, identity, event-window and audience-of-audience conditions), side by side (goal: ≤ 1.3×);
 * - transition latency: on the fifty-audience store, new buyers appended at a paced rate (open loop, default 1,000/s),
 *   each entering audiences; per entry, append called → its membership committed in the read store (goal p99 < 50 ms);
 * - backfill rate: on the no-audience store, the fifty saved at once; profiles/s until every backfill is ready;
 * - preview latency: POST /v1/audiences/preview's handler over the fifty-audience store, p50/p99 over P previews.
 */
import 'reflect-metadata';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { Condition } from '../../projections/conditions';
import { AUDIENCES_STREAM } from '../../src/audiences/audience-definitions.service';
import { PreviewAudience } from '../../src/audiences/preview-audience.query';
import { ProfileViews } from '../../src/audiences/profile-views';
import { evolveDefinitions, initialDefinitions, type AudienceDefinitions } from '../../projections/audiences';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import type { EventStore } from '../../src/event-store/event-store.port';
import { encode, type DomainEvent } from '../../src/events';
import { Projector } from '../../src/projector';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import type { ReadStore } from '../../src/read-store/read-store.port';
import { appendConcurrently, experience } from '../support/log-fixtures';
import { FIFTY } from './audiences/definitions';
import { takeItems } from './gen/workload';
import { domainEvents } from './lib/domain-events';
import { median, summarise } from './lib/stats';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    previews: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '1' },
    /** Only the folds, for a `--cpu-prof` of them. */
    'folds-only': { type: 'boolean', default: false },
    /** The folds and the paced transitions, no preview or backfill (for tracing the transitions). */
    'transitions-only': { type: 'boolean', default: false },
  },
});

/** Seconds since start, to cut a `--cpu-prof` profile to one phase (profile-top --from/--to). */
const say = (text: string) => process.stderr.write(`[audiences +${process.uptime().toFixed(1)}s] ${text}\n`);

/** AUDIENCE_TRACE=<file>: NDJSON of every transition (sent, latency) and every projector batch, wall-clock ms. */
const TRACE = process.env.AUDIENCE_TRACE;
const wall = () => performance.timeOrigin + performance.now();
const traced: string[] = [];
const trace = (entry: Record<string, unknown>) => {
  if (TRACE) traced.push(JSON.stringify(entry));
};
if (TRACE) process.on('exit', () => appendFileSync(TRACE, traced.length ? `${traced.join('\n')}\n` : ''));

const least = (xs: readonly number[]) => Math.min(...xs);

const NAMESPACES = ['CRMID', 'loginID', 'Email', 'Phone', 'IDFA', 'GAID', 'ECID'];

function savedEvents(): DomainEvent[] {
  return FIFTY.map(([audienceId, condition]) => ({ type: 'AudienceSaved', data: { audienceId, name: audienceId, condition, version: 1 } }));
}

async function defineFifty(log: EventStore): Promise<void> {
  let revision: number | 'no_stream' = 'no_stream';
  for (const event of savedEvents()) revision = (await log.append(AUDIENCES_STREAM, [encode(event, randomUUID())], revision)).nextExpectedRevision;
}

interface Stores {
  dir: string;
  log: EventStore;
  store: ReadStore;
  projector: Projector;
}

async function openStores(): Promise<Stores> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-audience-bench-'));
  const log = openSqliteEventStore(join(dir, 'events.sqlite'));
  const store = await openSqliteReadStore(join(dir, 'read-models.sqlite'));
  const onCommit = TRACE ? (info: { events: number; ms: number }) => trace({ kind: 'batch', t: wall(), events: info.events, ms: info.ms }) : undefined;
  return { dir, log, store, projector: new Projector(log, store, { profileIdOf: (g) => `p-${g}`, onCommit }) };
}

async function closeStores(s: Stores): Promise<void> {
  await s.projector.stop();
  await s.store.close();
  await s.log.close();
  rmSync(s.dir, { recursive: true, force: true });
}

/** The log appended first, then one fold of all of it: ms per event. The stores stay open for the next step. */
async function fold(events: DomainEvent[], audiences: boolean): Promise<{ stores: Stores; msPerEvent: number; cpuUsPerEvent: number }> {
  const stores = await openStores();
  if (audiences) await defineFifty(stores.log);
  await appendConcurrently(stores.log, events);
  say(`fold of ${events.length} events, ${audiences ? 'fifty audiences' : 'no audience'}`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  stores.projector.start();
  if (!(await stores.projector.whenIdle(3_600_000))) throw new Error('the fold did not finish');
  const used = process.cpuUsage(cpu);
  say(`fold done, ${audiences ? 'fifty audiences' : 'no audience'}`);
  return { stores, msPerEvent: (performance.now() - started) / events.length, cpuUsPerEvent: (used.user + used.system) / events.length };
}

/**
 * New buyers at a paced rate (open loop: each append starts at its own moment, whatever the previous ones do). The
 * store's commit is watched: with audiences, for the entry of each buyer's primary identity; without (the baseline
 * beside it), for the buyer's profile. Also append called → append acknowledged, the log's own share.
 *
 * The client shares its event loop with the projector (in process, as the service runs it): while a batch folds, no
 * append is sent, and the ones due meanwhile go out together afterwards. Latency from the call alone would leave
 * out how late the call was (coordinated omission), so each entry's latency from the moment it was due is reported
 * beside it (`fromDueMs`), and the client's own lateness (`sendLagMs`, call − due).
 */
async function pacedBuyers({ log, store }: Stores, rate: number, seconds: number, watch: 'entry' | 'profile', tag: string) {
  const sentAt = new Map<string, { sent: number; due: number }>();
  const latencies: number[] = [];
  const fromDue: number[] = [];
  const lags: number[] = [];
  const acks: number[] = [];
  const commit = store.commit.bind(store);
  const seen = (id: string | undefined, at: number) => {
    const entry = id === undefined ? undefined : sentAt.get(id);
    if (entry === undefined) return;
    latencies.push(at - entry.sent);
    fromDue.push(at - entry.due);
    trace({ kind: 'seen', tag, t: performance.timeOrigin + entry.sent, ms: at - entry.sent, lag: entry.sent - entry.due });
    sentAt.delete(id!);
  };
  // A commit inside a group of commits (the parts of a segment) is visible once the group is committed.
  const groupCommits = store.groupCommits.bind(store);
  let grouped: string[] | undefined;
  store.groupCommits = async (work, options) => {
    const ids: string[] = (grouped = []);
    try {
      return await groupCommits(work, options);
    } finally {
      grouped = undefined;
      const at = performance.now();
      for (const id of ids) seen(id, at);
    }
  };
  store.commit = async (writes, checkpoint) => {
    await commit(writes, checkpoint);
    const at = performance.now();
    const docs = watch === 'entry' ? (writes.audiences?.enter ?? []) : (writes.profiles?.upsert ?? []);
    for (const d of docs) {
      const id = (d.doc as { primaryIdentity?: { id?: string } }).primaryIdentity?.id;
      if (grouped && id !== undefined) grouped.push(id);
      else seen(id, at);
    }
  };
  const count = Math.round(rate * seconds);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const appends: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const id = `${tag}-${i}`;
    const event = experience(Date.now(), [{ namespace: 'CRMID', id }], 'purchase', { commerce: { order: { total: 120, payment: 'card' } } });
    const sent = performance.now();
    sentAt.set(id, { sent, due });
    lags.push(sent - due);
    appends.push(appendConcurrently(log, [event], `${tag}-${i % 16}`).then(() => acks.push(performance.now() - sent)));
  }
  await Promise.all(appends);
  const sending = (performance.now() - start) / 1000;
  const deadline = Date.now() + 30_000;
  while (sentAt.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const used = process.cpuUsage(cpu);
  store.commit = commit;
  store.groupCommits = groupCommits;
  say(`paced ${tag} done`);
  return { cpuUsPerEvent: (used.user + used.system) / count, rate, seconds, appended: count, seen: latencies.length, achievedRate: count / sending, latencyMs: summarise(latencies), fromDueMs: summarise(fromDue), sendLagMs: summarise(lags), appendAckMs: summarise(acks) };
}

/** The fifty saved at once on a store that holds the folded log: every profile evaluated for every audience. */
async function backfillRate({ log, store, projector }: Stores) {
  const profiles = await store.countProfiles();
  const started = performance.now();
  await defineFifty(log);
  await projector.whenIdle(60_000);
  while (!projector.computedSettled) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - started) / 1000;
  const members = (await store.listMembers({ audienceId: 'buyer30d', limit: 1000 })).items.length;
  return { profiles, audiences: FIFTY.length, seconds, perSecond: profiles / seconds, profileAudiencesPerSecond: (profiles * FIFTY.length) / seconds, buyer30dMembersFirstPage: members };
}

/** The handler behind POST /v1/audiences/preview, wired by hand over the store (its collaborators stubbed). */
async function previewLatency(store: ReadStore, runs: number) {
  let definitions: AudienceDefinitions = initialDefinitions();
  for (const event of savedEvents()) definitions = evolveDefinitions(definitions, event as never, new Date().toISOString());
  const audiences = { definitions: async () => definitions };
  const settings = { current: () => ({ settings: { namespaces: NAMESPACES.map((code) => ({ code })) } }) };
  const preview = new PreviewAudience(store, audiences as never, settings as never, new ProfileViews(store));
  const conditions: Array<[string, Condition]> = [
    ['attribute', { attribute: 'address.city', op: 'eq', value: 'Basel' }],
    ['event window', { event: { type: 'purchase' }, window: { last: '30d' }, count: { op: 'gte', value: 2 } }],
    ['audience-of-audience', { and: [{ audience: 'vip', op: 'member' }, { not: { audience: 'lapsed', op: 'member' } }] }],
    ['mixed', { and: [{ attribute: 'tier', op: 'eq', value: 'gold' }, { event: { type: ['pageView', 'screenView'] }, window: { last: '7d' } }, { identity: 'Email', op: 'exists' }] }],
  ];
  const byKind: Record<string, number[]> = {};
  const all: number[] = [];
  const sizes: Record<string, number> = {};
  for (let i = 0; i < runs; i++) {
    const [kind, condition] = conditions[i % conditions.length];
    const started = performance.now();
    const result = await preview.preview(condition, 10, Date.now());
    const ms = performance.now() - started;
    (byKind[kind] ??= []).push(ms);
    all.push(ms);
    sizes[kind] = result.size;
  }
  return {
    profiles: await store.countProfiles(),
    latencyMs: summarise(all),
    medianMsByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, median(v)])),
    sizes,
  };
}

/**
 * The workload as log events. The bench stands in for the service, which never holds its log in memory: once folded,
 * the events and the items they were made from (217 MB of heap at 100k, 44 MB at 20k) must be garbage, or every
 * major GC of the paced phases marks them on the loop that folds the buyers' entries.
 */
function workloadEvents(count: number): DomainEvent[] {
  return domainEvents(takeItems(count, { persons: Math.ceil(count / 20), seed: 7 }));
}

async function main(): Promise<void> {
  // The stores' checkpoint threads are unref'd: while the last store closes nothing else holds the loop, and the
  // process ended inside that close, before its temp dir (300 MB at 100k) was removed.
  const alive = setInterval(() => undefined, 60_000);
  try {
    await run();
  } finally {
    clearInterval(alive);
  }
}

async function run(): Promise<void> {
  // Built in a function of its own, so that nothing holds the workload once the folds are done (see workloadEvents).
  let events: DomainEvent[] | undefined = workloadEvents(Number(values.items));
  const logEntries = events.length;
  const rounds = Number(values.rounds);
  const none: number[] = [];
  const fifty: number[] = [];
  const noneCpu: number[] = [];
  const fiftyCpu: number[] = [];
  let bare: Stores | undefined;
  let withFifty: Stores | undefined;
  // Side by side: none, fifty (, none, fifty …); the last round's stores are kept for the other steps.
  for (let round = 0; round < rounds; round++) {
    const last = round === rounds - 1;
    const a = await fold(events!, false);
    none.push(a.msPerEvent);
    noneCpu.push(a.cpuUsPerEvent);
    if (last) bare = a.stores;
    else await closeStores(a.stores);
    const b = await fold(events!, true);
    fifty.push(b.msPerEvent);
    fiftyCpu.push(b.cpuUsPerEvent);
    if (last) withFifty = b.stores;
    else await closeStores(b.stores);
  }
  events = undefined;
  if (values['folds-only']) {
    process.stdout.write(`${JSON.stringify({ cpuUs: { none: noneCpu, fifty: fiftyCpu } })}\n`);
    await closeStores(bare!);
    await closeStores(withFifty!);
    return;
  }
  // Side by side: the same paced load on the store without audiences (profile visible), then with the fifty.
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  say(`paced buyers, no audience (heap used ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB)`);
  const profileVisible = await pacedBuyers(bare!, rate, seconds, 'profile', 'bare');
  say('paced buyers, fifty audiences');
  const transitions = await pacedBuyers(withFifty!, rate, seconds, 'entry', 'live');
  if (values['transitions-only']) {
    process.stdout.write(`${JSON.stringify({ transitions, profileVisibleWithoutAudiences: profileVisible }, null, 2)}\n`);
    await closeStores(withFifty!);
    await closeStores(bare!);
    return;
  }
  say('previews');
  const preview = await previewLatency(withFifty!.store, Number(values.previews));
  await closeStores(withFifty!);
  say('backfill of fifty audiences');
  const backfill = await backfillRate(bare!);
  say('done');
  await closeStores(bare!);
  const result = {
    items: logEntries,
    audiences: FIFTY.length,
    // The projector's own CPU per event (this process, user + system) is what the goal compares, each side's least
    // disturbed round (interference on a shared machine only adds); every round and wall time beside it.
    perEventCpuUs: { none: least(noneCpu), fifty: least(fiftyCpu), ratio: least(fiftyCpu) / least(noneCpu), rounds: { none: noneCpu, fifty: fiftyCpu } },
    perEventMs: { none: least(none), fifty: least(fifty), ratio: least(fifty) / least(none), rounds: { none, fifty } },
    transitions,
    profileVisibleWithoutAudiences: profileVisible,
    backfill,
    preview,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
