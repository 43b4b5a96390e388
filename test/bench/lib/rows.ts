import type { FreshnessRun } from '../scenarios/freshness';
import type { IngestResult } from '../scenarios/ingest';
import type { LookupResult } from '../scenarios/lookup';
import type { RebuildResult } from '../scenarios/rebuild';
import type { ScalingStep } from '../scenarios/scaling';
import type { Row } from './report';
import { fmt } from './stats';

/** The table rows of each scenario, with the issue's targets (2 cores). */
const perSecond = (n: number, unit = 'ev/s') => `${fmt(n)} ${unit}`;
const ms = (n: number) => `${fmt(n, n < 10 ? 2 : 1)} ms`;

export function ingestRows(r: IngestResult): Row[] {
  const emmett = 'rate' in r.emmett ? r.emmett.rate : undefined;
  const emmettCell = 'rate' in r.emmett ? `Emmett 1-by-1: ${perSecond(r.emmett.rate)}` : `Emmett skipped: ${r.emmett.skipped}`;
  const single = r.singles.rate;
  return [
    { scenario: 'ingest, 1 event/request, 64 conns', tessera: perSecond(single), baseline: `raw SQLite 64/tx: ${perSecond(r.raw64)}`, ratio: single / r.raw64, target: '≥ 0.6×', met: single / r.raw64 >= 0.6 },
    { scenario: 'ingest, 1 event/request, 64 conns', tessera: perSecond(single), baseline: emmettCell, ratio: emmett && single / emmett, target: '≥ 10×', met: emmett === undefined ? undefined : single / emmett >= 10 },
    { scenario: '  ack latency p50 / p99', tessera: `${ms(r.singles.latency.p50)} / ${ms(r.singles.latency.p99)}`, baseline: '', target: '' },
    { scenario: '  CPU per event (service process)', tessera: `${fmt(r.singles.serviceCpuUsPerEvent)} µs`, baseline: `raw: ${fmt(r.rawCpuUsPerRow.raw64)} µs/row`, ratio: r.rawCpuUsPerRow.raw64 / r.singles.serviceCpuUsPerEvent, target: '' },
    { scenario: `ingest, batches of 1000 (${r.batches.inFlight} in flight)`, tessera: perSecond(r.batches.rate), baseline: `raw SQLite 1000/tx: ${perSecond(r.raw1000)}`, ratio: r.batches.rate / r.raw1000, target: '', met: undefined },
    { scenario: `ingest, batches of 1000 (${r.batches.inFlight} in flight)`, tessera: perSecond(r.batches.rate), baseline: emmettCell, ratio: emmett && r.batches.rate / emmett, target: '', met: undefined },
    { scenario: '  CPU per event (service process)', tessera: `${fmt(r.batches.serviceCpuUsPerEvent)} µs`, baseline: `raw: ${fmt(r.rawCpuUsPerRow.raw1000)} µs/row`, ratio: r.rawCpuUsPerRow.raw1000 / r.batches.serviceCpuUsPerEvent, target: '' },
  ];
}

export function freshnessRows(runs: readonly FreshnessRun[]): Row[] {
  return runs.map((f, i) => ({
    scenario: `freshness at ${fmt(f.targetRate)} ev/s${i === 1 ? ' (80% of max)' : ''}`,
    tessera: `p50 ${ms(f.freshness.p50)} / p99 ${ms(f.freshness.p99)} / max ${ms(f.freshness.max)}`,
    baseline: `acked ${perSecond(f.ackedRate)}, ${f.probes} probes${f.stale ? `, ${f.stale} stale` : ''}`,
    target: i === 0 ? 'p99 < 50 ms' : '',
    met: i === 0 ? f.freshness.p99 < 50 && f.stale === 0 : undefined,
  }));
}

export function lookupRows(l: LookupResult): Row[] {
  return [
    { scenario: 'lookup, 32 conns (saturated)', tessera: perSecond(l.service.rate, 'req/s'), baseline: `bare node:http: ${perSecond(l.bare.rate, 'req/s')}`, ratio: l.service.rate / l.bare.rate, target: '≥ 0.5×', met: l.service.rate / l.bare.rate >= 0.5 },
    { scenario: '  latency p50 / p99 (saturated)', tessera: `${ms(l.service.latency.p50)} / ${ms(l.service.latency.p99)}`, baseline: `${ms(l.bare.latency.p50)} / ${ms(l.bare.latency.p99)}`, target: '' },
    { scenario: 'lookup at 2,000 req/s', tessera: `p50 ${ms(l.at2000.latency.p50)} / p99 ${ms(l.at2000.latency.p99)}`, baseline: `achieved ${perSecond(l.at2000.achieved, 'req/s')}${l.at2000.errors ? `, ${l.at2000.errors} errors` : ''}`, target: 'p99 < 5 ms', met: l.at2000.latency.p99 < 5 && l.at2000.errors === 0 },
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
    { scenario: 'scaling: ingest per event (64 conns)', tessera: at((s) => s.ingestUsPerEvent, 'µs'), baseline: '', ratio: last.ingestUsPerEvent / first.ingestUsPerEvent, target: 'flat (≤ 2×)', met: last.ingestUsPerEvent / first.ingestUsPerEvent <= 2 },
    { scenario: 'scaling: merge per item (ingest → visible)', tessera: at((s) => s.mergeUsPerItem, 'µs'), baseline: '', ratio: last.mergeUsPerItem / first.mergeUsPerItem, target: 'flat (≤ 2×)', met: last.mergeUsPerItem / first.mergeUsPerItem <= 2 },
    { scenario: 'scaling: load rate, batches (all kinds)', tessera: at((s) => s.loadRate, 'ev/s'), baseline: '', target: '' },
    { scenario: `memory: peak RSS at ${fmt(last.storedEvents)} events`, tessera: `${fmt(last.peakRssMiB)} MiB`, baseline: `current ${fmt(last.rssMiB)} MiB`, target: `< 1024 MiB at ${fmt(memoryTarget)}`, met: last.storedEvents >= memoryTarget ? last.peakRssMiB < 1024 : undefined },
  ];
}
