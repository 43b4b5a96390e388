import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { takeItems, type BatchItem } from './gen/workload';
import { HttpClient } from './lib/http-load';
import { machine, printTable, writeResults, type Row } from './lib/report';
import { audienceRows, componentRows, computedRows, freshnessRows, ingestRows, lookupRows, rebuildRows, scalingRows } from './lib/rows';
import { SERVICE_NODE_FLAGS, startService } from './lib/service';
import { fmt } from './lib/stats';
import { settle, waitVisible } from './lib/visibility';
import { runExistingScripts, runScript } from './scenarios/existing-scripts';
import { FRESHNESS_WRITERS } from './scenarios/freshness';
import { runLoad, type MeasuredLoad } from './lib/load';
import { runIngest } from './scenarios/ingest';
import { runLookup } from './scenarios/lookup';
import { runRebuild } from './scenarios/rebuild';
import { runScaling } from './scenarios/scaling';
import { parseRederive, rederiveRows } from './scenarios/rederive';
import { runSegmentScenario, segmentRows } from './scenarios/segment';
import { runWebhookScenario, webhookRows } from './scenarios/webhooks';

/**
 * `npm run bench [-- --quick] [--only ingest,freshness,lookup,segment,webhooks,audiences,rederive,scaling,rebuild,scripts] [--seed N]`: every scenario
 * beside its baselines in one run, one process tree (this runner, the service as a child, the bare server as a
 * child); prints the figures table and writes JSON under test/bench/results/.
 */
const SIZES = {
  quick: { singles: 4000, batches: 10, emmettSeconds: 6, bareSeconds: 3, segmentPerRound: 5000, freshSeconds: 5, lookupSeconds: 4, lookupRuns: 5, steps: [10_000, 100_000], memoryTarget: 1_000_000, storeEvents: 5000, foldItems: 200_000, asOfStages: '10000', computedItems: 6000, webhookSeconds: 5, audienceItems: 20_000, audienceSeconds: 5, audienceRounds: 2, audiencePreviews: 8, rederiveSizes: '20000,80000' },
  full: { singles: 20_000, batches: 100, emmettSeconds: 30, bareSeconds: 10, segmentPerRound: 25_000, freshSeconds: 20, lookupSeconds: 15, lookupRuns: 5, steps: [10_000, 100_000, 1_000_000], memoryTarget: 1_000_000, storeEvents: 20_000, foldItems: 1_000_000, asOfStages: '10000,100000', computedItems: 40_000, webhookSeconds: 20, audienceItems: 100_000, audienceSeconds: 20, audienceRounds: 2, audiencePreviews: 20, rederiveSizes: '250000,1000000' },
};
type Sizes = (typeof SIZES)['quick'];
const MAX_FRESH_RATE = 4000;
const SCENARIOS = ['ingest', 'freshness', 'lookup', 'segment', 'webhooks', 'audiences', 'rederive', 'scaling', 'rebuild', 'scripts'];

/** Seconds since start in every line, to cut a `--cpu-prof` profile of this runner to one phase (profile-top --from/--to). */
const say = (text: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)} +${process.uptime().toFixed(1)}s] ${text}\n`);

function crmIdentities(events: readonly BatchItem[], count: number) {
  const seen = new Map<string, { namespace: string; id: string }>();
  for (const e of events) for (const i of e.identities) if (i.namespace === 'CRMID' && seen.size < count) seen.set(i.id, { namespace: i.namespace, id: i.id });
  return [...seen.values()];
}

/** Ingest, freshness and lookup share one service: lookups then read profiles built from realistic traffic. */
async function onlineScenarios(sizes: Sizes, seed: number, want: (s: string) => boolean, results: Record<string, unknown>, rows: Row[]) {
  // Freshness needs fresh events (a re-sent one is a duplicate): enough for 1,000/s plus 80 % of up to 5,000/s.
  const freshEvents = Math.ceil(sizes.freshSeconds * (1000 + MAX_FRESH_RATE)) + 10;
  const total = sizes.singles + sizes.batches * 1000 + freshEvents;
  // About 18 of a person's 22 items are events: persons enough that the workload holds `total` events.
  const events = takeItems(total, { persons: Math.ceil(total / 15), seed }, new Set(['event']));
  const service = await startService('online');
  try {
    say(`ingest: ${sizes.singles} single events (autocannon, 64 conns), bare POST server, ${sizes.batches} batches of 1000, raw SQLite, Emmett`);
    const ingest = await runIngest(service, events, sizes);
    results.ingest = ingest;
    rows.push(...ingestRows(ingest));
    const client = new HttpClient(service.url, 4);
    await waitVisible(client, events[sizes.singles + sizes.batches * 1000 - 1].identities[0], ingest.lastPosition);
    client.close();
    const fresh = events.slice(sizes.singles + sizes.batches * 1000);
    if (want('freshness')) {
      const runs: MeasuredLoad[] = [];
      const rates = [1000, Math.min(MAX_FRESH_RATE, Math.max(50, Math.round(ingest.singles.rate * 0.8)))];
      let offset = 0;
      for (const rate of rates) {
        say(`freshness at ${rate} events/s for ${sizes.freshSeconds} s`);
        const count = Math.round(rate * sizes.freshSeconds) + 1;
        const spec = { kind: 'freshness' as const, url: service.url, connections: FRESHNESS_WRITERS, events: fresh.slice(offset, offset + count), rate, seconds: sizes.freshSeconds };
        runs.push(await runLoad(spec, service.pid));
        offset += count;
      }
      results.freshness = runs;
      rows.push(...freshnessRows(runs));
    }
    if (want('lookup')) {
      const settler = new HttpClient(service.url, 1);
      await settle(settler);
      settler.close();
      say(`lookup: 32 connections, ${sizes.lookupSeconds} s saturated, bare server, ${sizes.lookupRuns} × ${sizes.lookupSeconds} s at 2,000 req/s`);
      const lookup = await runLookup(service, crmIdentities(events.slice(0, sizes.singles + sizes.batches * 1000), 1000), sizes.lookupSeconds, sizes.lookupRuns);
      results.lookup = lookup;
      rows.push(...lookupRows(lookup));
    }
    results.onlineServicePeakRssMiB = service.peakRssMiB();
  } finally {
    await service.stop();
  }
}

/** Scaling and memory load one service's log; the rebuild then replays that same log after the service stopped. */
async function offlineScenarios(sizes: Sizes, seed: number, want: (s: string) => boolean, results: Record<string, unknown>, rows: Row[]) {
  const service = await startService('scaling');
  let keep = false;
  try {
    say(`scaling: loading the workload to ${sizes.steps.map((s) => fmt(s)).join(', ')} events`);
    const steps = await runScaling(service, sizes.steps, seed + 1, (s) => say(`  at ${fmt(s.storedEvents)} events: ingest ${fmt(s.ingestUsPerEvent)} µs/event, merge ${fmt(s.mergeUsPerItem)} µs/item, peak RSS ${fmt(s.peakRssMiB)} MiB`));
    results.scaling = steps;
    rows.push(...scalingRows(steps, sizes.memoryTarget));
    keep = want('rebuild');
  } finally {
    await service.stop({ keepData: true });
  }
  if (keep) {
    say('rebuild: a second projector replays the log into fresh read models, then the raw read-and-fold');
    const rebuild = await runRebuild(service.dataDir, 3600);
    say(`rebuild done: projector ${fmt(rebuild.seconds, 1)} s, then the raw fold`);
    results.rebuild = rebuild;
    rows.push(...rebuildRows(rebuild));
  }
  const { rmSync } = await import('node:fs');
  rmSync(service.dataDir, { recursive: true, force: true });
}

/** A script's output as JSON when it is (its first brace on), else the text as it came. */
function parsedJson(output: string): unknown {
  try {
    return JSON.parse(output.slice(output.indexOf('{')));
  } catch {
    return output;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, seed: { type: 'string', default: '1' } } });
  const mode = values.quick ? 'quick' : 'full';
  const sizes = SIZES[mode];
  const only = values.only ? values.only.split(',') : SCENARIOS;
  const want = (s: string) => only.includes(s);
  const seed = Number(values.seed);
  const started = performance.now();
  const results: Record<string, unknown> = { mode, sizes, seed, machineAtStart: machine() };
  const rows: Row[] = [];
  if (['ingest', 'freshness', 'lookup'].some(want)) await onlineScenarios(sizes, seed, want, results, rows);
  if (want('segment')) {
    say(`segment: POST /v1/batch via @segment/analytics-node beside /v1/ingest, ${fmt(sizes.segmentPerRound)} events per round`);
    // Twice the round: the scenario keeps the events that carry a CRMID or an ECID.
    const events = takeItems(2 * sizes.segmentPerRound, { persons: Math.ceil(sizes.segmentPerRound / 7), seed: seed + 2 }, new Set(['event']));
    const segment = await runSegmentScenario(events, { perRound: sizes.segmentPerRound });
    results.segment = segment;
    rows.push(...segmentRows(segment));
  }
  if (want('webhooks')) {
    say(`webhooks: append → webhook at a paced 1,000 records/s for ${sizes.webhookSeconds} s, backlog, SSE fan-out (H15's scenario)`);
    const webhooks = await runWebhookScenario({ seconds: sizes.webhookSeconds });
    results.webhooks = webhooks;
    rows.push(...webhookRows(webhooks));
  }
  if (want('audiences')) {
    const args = ['--items', String(sizes.audienceItems), '--seconds', String(sizes.audienceSeconds), '--rounds', String(sizes.audienceRounds), '--previews', String(sizes.audiencePreviews)];
    say(`audiences (issue 14): ${fmt(sizes.audienceItems)}-event log folded with 50 audiences vs none (${sizes.audienceRounds} rounds), transitions at a paced 1,000 events/s, backfill, preview`);
    const output = await runScript('audiences.bench.js', args, {}, 3600);
    results.audiences = parsedJson(output);
    rows.push(...audienceRows(output));
  }
  if (want('rederive')) {
    say(`rule changes (issue 18): linked erasure, link rejection and a streamed settings change in logs of ${sizes.rederiveSizes} events`);
    // The service runs in that script's process: with the node flags it is started with (BENCH_SERVICE_FLAGS).
    const flags = (process.env.BENCH_SERVICE_FLAGS ?? SERVICE_NODE_FLAGS).split(' ').filter(Boolean);
    const output = await runScript('rederive.bench.js', [], { BENCH_SIZES: sizes.rederiveSizes }, 7200, flags);
    results.rederive = { runs: parseRederive(output), output };
    rows.push(...rederiveRows(output));
  }
  if (['scaling', 'rebuild'].some(want)) await offlineScenarios(sizes, seed, want, results, rows);
  if (want('scripts')) {
    say(`component scripts: event store (${sizes.storeEvents} appends), identity fold (${fmt(sizes.foldItems)} items), asOf (log of ${sizes.asOfStages} events)`);
    const scripts = await runExistingScripts(sizes);
    results.componentScripts = scripts;
    rows.push(...componentRows(scripts.eventStore, scripts.identityFold, scripts.asOf), ...computedRows(scripts.computed));
  }
  results.machineAtEnd = machine();
  results.seconds = Math.round((performance.now() - started) / 1000);
  results.table = printTable(rows);
  const file = writeResults(mode, results);
  process.stdout.write(`\n${mode} run, ${results.seconds} s; results in ${file}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
