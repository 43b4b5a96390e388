import type { FreshnessRun } from '../scenarios/freshness';
import type { IngestResult } from '../scenarios/ingest';
import type { LookupResult } from '../scenarios/lookup';
import type { RebuildResult } from '../scenarios/rebuild';
import type { ScalingStep } from '../scenarios/scaling';
import { cpuCell, loadCell, type MeasuredLoad } from './load';
import type { PacedClientDetail } from './load-client';
import type { Row } from './report';
import { fmt } from './stats';

/** The table rows of each scenario, with the issue's targets (2 cores). */
const perSecond = (n: number, unit = 'ev/s') => `${fmt(n)} ${unit}`;
const ms = (n: number) => `${fmt(n, n < 10 ? 2 : 1)} ms`;

const pct = (n: number) => `${fmt(n, 2)} ms`;

export function ingestRows(r: IngestResult): Row[] {
  const emmett = 'rate' in r.emmett ? r.emmett.rate : undefined;
  const emmettCell = 'rate' in r.emmett ? `Emmett 1-by-1: ${perSecond(r.emmett.rate)}` : `Emmett skipped: ${r.emmett.skipped}`;
  const s = r.singles;
  const bare = r.bare.at64;
  const batchRate = r.batches.events / r.batches.seconds;
  return [
    { scenario: 'ingest, 1 event/request', tessera: perSecond(s.rate), baseline: `bare node:http POST (parse, 202): ${perSecond(bare.rate, 'req/s')}`, ratio: s.rate / bare.rate, target: '≥ 0.3×', met: s.rate / bare.rate >= 0.3, load: loadCell(s) },
    { scenario: '  ack latency p50 / p99', tessera: `${pct(s.latency.p50)} / ${pct(s.latency.p99)}`, baseline: `${pct(bare.latency.p50)} / ${pct(bare.latency.p99)}`, target: '' },
    { scenario: '  CPU over the window', tessera: cpuCell(s), baseline: `64 conns: ${cpuCell(bare)}`, target: '' },
    { scenario: '  bare POST saturated? 64 → 128 conns', tessera: '', baseline: `${perSecond(bare.rate, 'req/s')} → ${perSecond(r.bare.at128.rate, 'req/s')}; 128 conns: ${cpuCell(r.bare.at128)}`, target: '', load: loadCell(r.bare.at128) },
    { scenario: '  CPU per event (service process)', tessera: `${fmt(s.serverCpuUsPerRequest)} µs`, baseline: `bare: ${fmt(bare.serverCpuUsPerRequest)} µs/req, raw SQLite 64/tx: ${fmt(r.rawCpuUsPerRow.raw64)} µs/row`, ratio: bare.serverCpuUsPerRequest / s.serverCpuUsPerRequest, target: '' },
    { scenario: 'ingest, 1 event/request', tessera: perSecond(s.rate), baseline: `raw SQLite 64/tx: ${perSecond(r.raw64)}`, ratio: s.rate / r.raw64, target: '', load: 'in the runner, no HTTP' },
    { scenario: 'ingest, 1 event/request', tessera: perSecond(s.rate), baseline: emmettCell, ratio: emmett && s.rate / emmett, target: '' },
    { scenario: `ingest, batches of 1000`, tessera: perSecond(batchRate), baseline: `raw SQLite 1000/tx: ${perSecond(r.raw1000)}`, ratio: batchRate / r.raw1000, target: '≥ 0.25×', met: batchRate / r.raw1000 >= 0.25, load: loadCell(r.batches) },
    { scenario: '  projector caught up after the last batch', tessera: ms(r.batches.catchUpMs), baseline: '', target: '< 1 s', met: r.batches.catchUpMs < 1000 },
    { scenario: '  CPU per event (service process)', tessera: `${fmt(r.batches.serverCpuUsPerRequest / 1000)} µs`, baseline: `raw: ${fmt(r.rawCpuUsPerRow.raw1000)} µs/row`, ratio: r.rawCpuUsPerRow.raw1000 / (r.batches.serverCpuUsPerRequest / 1000), target: '' },
  ];
}

export function freshnessRows(runs: readonly MeasuredLoad[]): Row[] {
  return runs.map((load, i) => {
    const f = load.detail as FreshnessRun;
    return {
      scenario: `freshness at ${fmt(f.targetRate)} ev/s${i === 1 ? ' (80% of max)' : ''}`,
      tessera: `p50 ${ms(f.freshness.p50)} / p99 ${ms(f.freshness.p99)} / max ${ms(f.freshness.max)}`,
      baseline: `acked ${perSecond(f.ackedRate)}, ${f.probes} probes${f.stale ? `, ${f.stale} stale` : ''}; ${cpuCell(load)}`,
      target: i === 1 ? 'p99 < 50 ms' : '',
      met: i === 1 ? f.freshness.p99 < 50 && f.stale === 0 : undefined,
      load: `${load.client}, up to ${load.connections} conns, ${fmt(load.seconds, 1)} s`,
    };
  });
}

export function lookupRows(l: LookupResult): Row[] {
  const bare = l.bare.at32;
  const worst = Math.max(...l.at2000.map((r) => r.latency.p99));
  const failures = l.at2000.reduce((n, r) => n + r.failures, 0);
  return [
    { scenario: 'lookup (saturated)', tessera: perSecond(l.service.rate, 'req/s'), baseline: `bare node:http, same ${l.bodyBytes} B: ${perSecond(bare.rate, 'req/s')}`, ratio: l.service.rate / bare.rate, target: '≥ 0.5×', met: l.service.rate / bare.rate >= 0.5, load: loadCell(l.service) },
    { scenario: '  latency p50 / p99 (saturated)', tessera: `${pct(l.service.latency.p50)} / ${pct(l.service.latency.p99)}`, baseline: `${pct(bare.latency.p50)} / ${pct(bare.latency.p99)}`, target: '' },
    { scenario: '  CPU over the window', tessera: cpuCell(l.service), baseline: `32 conns: ${cpuCell(bare)}`, target: '' },
    { scenario: '  bare GET saturated? 32 → 64 conns', tessera: '', baseline: `${perSecond(bare.rate, 'req/s')} → ${perSecond(l.bare.at64.rate, 'req/s')}; 64 conns: ${cpuCell(l.bare.at64)}`, target: '', load: loadCell(l.bare.at64) },
    { scenario: '  CPU per request (service process)', tessera: `${fmt(l.service.serverCpuUsPerRequest)} µs`, baseline: `bare: ${fmt(bare.serverCpuUsPerRequest)} µs`, ratio: bare.serverCpuUsPerRequest / l.service.serverCpuUsPerRequest, target: '' },
    {
      scenario: `lookup at 2,000 req/s, ${l.at2000.length} runs`,
      tessera: `p99 ${l.at2000.map((r) => pct(r.latency.p99)).join(', ')}`,
      baseline: `p50 ${l.at2000.map((r) => pct(r.latency.p50)).join(', ')}; achieved ${l.at2000.map((r) => fmt(r.rate)).join(', ')} req/s${failures ? `, ${failures} failed` : ''}`,
      target: 'p99 < 5 ms in each',
      met: worst < 5 && failures === 0,
      load: `${l.at2000[0]?.client}, ${l.at2000[0]?.connections} conns, ${l.at2000.length} × ${fmt(l.at2000[0]?.seconds, 1)} s`,
    },
    {
      // The target is judged on the row above (every request). This one says how much of each p99 was the client's
      // own loop standing still (load-client.ts PacedClientDetail), so a miss can be told from the service's.
      scenario: '  same windows: client stalls; p99 of the requests no stall touched',
      tessera: l.at2000.map((r) => { const d = r.detail as PacedClientDetail | undefined; return d ? pct(d.untouched.p99) : '—'; }).join(', '),
      baseline: l.at2000.map((r) => { const d = r.detail as PacedClientDetail | undefined; return d ? `${d.stalls} stalls (longest ${pct(d.longestStallMs)}, ${d.touched} req touched)` : '—'; }).join('; '),
      target: '',
    },
  ];
}

/** The component scripts' own ratios, pulled from their text output: where the HTTP path's time is not. */
export function componentRows(eventStore: string, identityFold: string, asOf: string): Row[] {
  const adapter = /adapter, 64 in flight \(group commit\):\s+([\d,]+)/.exec(eventStore)?.[1];
  const raw = /raw better-sqlite3, 64 rows\/transaction:\s+([\d,]+)/.exec(eventStore)?.[1];
  const fold = /rate:\s+([\d,]+) items\/s/.exec(identityFold)?.[1];
  const num = (x?: string) => Number((x ?? 'NaN').replace(/,/g, ''));
  return [
    { scenario: 'component: event store adapter, 64 in flight, no HTTP', tessera: `${adapter ?? '—'} ev/s`, baseline: `raw SQLite 64/tx: ${raw ?? '—'} ev/s`, ratio: num(adapter) / num(raw), target: '' },
    { scenario: 'component: identity-graph fold alone', tessera: `${fold ?? '—'} items/s`, baseline: '', target: '' },
    ...[...asOf.matchAll(/log ([\d,]+) events: .*?asOf p50 ([\d.]+) ms, p95 ([\d.]+) ms/g)].map((m) => ({
      scenario: `component: asOf read of one subject, log of ${m[1]} events`,
      tessera: `p50 ${m[2]} ms / p95 ${m[3]} ms`,
      baseline: '',
      target: '',
    })),
  ];
}

/** H13's computed-attributes script prints one JSON object (its last lines); unreadable output gives a dash. */
export function computedRows(output: string): Row[] {
  const at = output.indexOf('{');
  let r: { perEventMs?: { none: number; twenty: number; ratio: number }; backfill?: { perSecond?: number; liveFreshnessMs?: { p99: number } }; lapses?: { lag: { p99: number } } } = {};
  try {
    r = JSON.parse(output.slice(at));
  } catch {
    r = {};
  }
  const per = r.perEventMs;
  return [
    { scenario: 'computed attributes: fold per event, 20 definitions vs none', tessera: per ? `${fmt(per.twenty * 1000)} µs` : '—', baseline: per ? `none: ${fmt(per.none * 1000)} µs` : output.slice(0, 80), ratio: per?.ratio, target: '≤ 1.2×', met: per ? per.ratio <= 1.2 : undefined, load: 'in-process projector, no HTTP' },
    { scenario: '  backfill / live freshness p99 / lapse lag p99', tessera: `${fmt(r.backfill?.perSecond)} profiles/s / ${fmt(r.backfill?.liveFreshnessMs?.p99)} ms / ${fmt(r.lapses?.lag.p99)} ms`, baseline: '', target: '' },
  ];
}

interface AudienceBench {
  items: number;
  perEventCpuUs: { none: number; fifty: number; ratio: number };
  perEventMs: { none: number; fifty: number; ratio: number };
  transitions: { rate: number; achievedRate: number; seen: number; appended: number; latencyMs: { p50: number; p99: number }; fromDueMs?: { p99: number }; appendAckMs: { p99: number } };
  profileVisibleWithoutAudiences: { latencyMs: { p50: number; p99: number } };
  backfill: { profiles: number; perSecond: number; profileAudiencesPerSecond: number; seconds: number };
  preview: { profiles: number; latencyMs: { p50: number; p99: number } };
}

/** The audiences script (issue 14) prints one JSON object last; unreadable output gives a dash. */
export function audienceRows(output: string): Row[] {
  let r: AudienceBench | undefined;
  try {
    r = JSON.parse(output.slice(output.indexOf('{'))) as AudienceBench;
  } catch {
    r = undefined;
  }
  if (!r?.perEventCpuUs) return [{ scenario: 'audiences', tessera: '—', baseline: output.slice(-120), target: '' }];
  const t = r.transitions;
  const size = `${fmt(r.items / 1000)}k-event log`;
  return [
    { scenario: `audiences: projector CPU per event, 50 audiences vs none (${size})`, tessera: `${fmt(r.perEventCpuUs.fifty)} µs`, baseline: `none: ${fmt(r.perEventCpuUs.none)} µs (wall ${fmt(r.perEventMs.fifty * 1000)} vs ${fmt(r.perEventMs.none * 1000)} µs)`, ratio: r.perEventCpuUs.ratio, target: '≤ 1.3×', met: r.perEventCpuUs.ratio <= 1.3, load: 'in-process projector, no HTTP' },
    { scenario: `  transition p50 / p99, append → membership committed`, tessera: `${ms(t.latencyMs.p50)} / ${ms(t.latencyMs.p99)}`, baseline: `no audience, append → profile: ${ms(r.profileVisibleWithoutAudiences.latencyMs.p50)} / ${ms(r.profileVisibleWithoutAudiences.latencyMs.p99)}`, target: '< 50 ms p99', met: t.latencyMs.p99 < 50, load: `paced ${fmt(t.rate)}/s (achieved ${fmt(t.achievedRate)}/s), ${fmt(t.seen)} of ${fmt(t.appended)} entered; append ack p99 ${ms(t.appendAckMs.p99)}${t.fromDueMs ? `; from the moment due p99 ${ms(t.fromDueMs.p99)}` : ''}` },
    { scenario: `  backfill of 50 audiences`, tessera: `${perSecond(r.backfill.perSecond, 'profiles/s')}`, baseline: `${fmt(r.backfill.profiles)} profiles in ${fmt(r.backfill.seconds, 1)} s (${perSecond(r.backfill.profileAudiencesPerSecond, 'profile×audience/s')})`, target: '' },
    { scenario: `  preview p50 / p99`, tessera: `${ms(r.preview.latencyMs.p50)} / ${ms(r.preview.latencyMs.p99)}`, baseline: `every one of ${fmt(r.preview.profiles)} profiles evaluated`, target: '' },
  ];
}

export function rebuildRows(r: RebuildResult): Row[] {
  return [
    { scenario: `rebuild, ${fmt(r.events)} events`, tessera: perSecond(r.rate), baseline: `raw read-and-fold: ${perSecond(r.raw.rate)}`, ratio: r.rate / r.raw.rate, target: '≥ 0.5×', met: r.rate / r.raw.rate >= 0.5 },
  ];
}

/** Flat: the per-item cost at the largest step is at most twice the cost at the smallest. */
export function scalingRows(steps: readonly ScalingStep[], memoryTarget: number): Row[] {
  if (steps.length === 0) return [];
  const first = steps[0];
  const last = steps[steps.length - 1];
  const at = (pick: (s: ScalingStep) => number, unit: string) => steps.map((s) => `${fmt(s.storedEvents / 1000)}k: ${fmt(pick(s))} ${unit}`).join(', ');
  return [
    { scenario: 'scaling: ingest per event', load: 'autocannon 8, 64 conns, 1,000 req per step', tessera: at((s) => s.ingestUsPerEvent, 'µs'), baseline: '', ratio: last.ingestUsPerEvent / first.ingestUsPerEvent, target: 'flat (≤ 2×)', met: last.ingestUsPerEvent / first.ingestUsPerEvent <= 2 },
    { scenario: 'scaling: merge per item (ingest → visible)', load: '1 batch of 500 links, then GETs until visible', tessera: at((s) => s.mergeUsPerItem, 'µs'), baseline: '', ratio: last.mergeUsPerItem / first.mergeUsPerItem, target: 'flat (≤ 2×)', met: last.mergeUsPerItem / first.mergeUsPerItem <= 2 },
    { scenario: 'scaling: load rate, batches (all kinds)', load: 'runner node:http, 2 batches of 1000 in flight', tessera: at((s) => s.loadRate, 'ev/s'), baseline: '', target: '' },
    { scenario: '  memory by step: RSS / V8 heap used / heap reserved / external', tessera: steps.map((s) => `${fmt(s.storedEvents / 1000)}k: ${fmt(s.rssMiB)} / ${fmt(s.heap?.heapUsedMiB)} / ${fmt(s.heap?.heapTotalMiB)} / ${fmt(s.heap?.externalMiB)} MiB`).join(', '), baseline: '', target: '' },
    { scenario: `memory: peak RSS at ${fmt(last.storedEvents)} events`, tessera: `${fmt(last.peakRssMiB)} MiB`, baseline: `current ${fmt(last.rssMiB)} MiB`, target: `< 1024 MiB at ${fmt(memoryTarget)}`, met: last.storedEvents >= memoryTarget ? last.peakRssMiB < 1024 : undefined },
  ];
}
