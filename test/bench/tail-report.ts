import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, summarise } from './lib/stats';

/**
 * What the slowest changes of a webhook latency run waited on: lines up the bench's per-change timeline
 * (BENCH_TRACE=<prefix>, scenarios/webhooks.ts) with the stall traces of every process and thread
 * (STALL_TRACE_DIR, lib/stall-trace.ts). The slowest 1 % are grouped into episodes (sent within 100 ms of each
 * other); each episode is listed with its split (sent → readable on SSE → received) and the stalls that overlapped
 * it. Run: node dist-bench/test/bench/tail-report.js <timeline.ndjson> <trace dir>
 */
interface Moment {
  key: string;
  sent: number;
  acked?: number;
  readable?: number;
  received?: number;
}

interface Stall {
  who: string;
  kind: string;
  t: number;
  ms: number;
  what: string;
}

function main(): void {
  const [timelineFile, traceDir] = process.argv.slice(2);
  const moments = lines<Moment>(timelineFile).filter((m) => m.received !== undefined);
  const { stalls, sums } = traces(traceDir);
  const total = (m: Moment) => m.received! - m.sent;
  const stage = (name: string, pick: (m: Moment) => number | undefined) => {
    const s = summarise(moments.map(pick).filter((x): x is number => x !== undefined));
    return `${name} p50 ${fmt(s.p50, 1)} / p99 ${fmt(s.p99, 1)} / max ${fmt(s.max, 1)}`;
  };
  out(`${moments.length} changes; ${stage('sent → received', total)}; ${stage('sent → acked', (m) => m.acked && m.acked - m.sent)}`);
  out(`  ${stage('sent → readable', (m) => m.readable && m.readable - m.sent)}; ${stage('readable → received', (m) => m.readable && Math.max(0, m.received! - m.readable))}`);
  const start = Math.min(...moments.map((m) => m.sent));
  const end = Math.max(...moments.map((m) => m.received!));

  out('\nstalls over the run, per process and thread (count, total ms, longest ms):');
  const inRun = stalls.filter((s) => s.t >= start && s.t <= end);
  const byWho = new Map<string, Stall[]>();
  for (const s of inRun) byWho.set(`${s.who} ${s.kind}`, [...(byWho.get(`${s.who} ${s.kind}`) ?? []), s]);
  for (const [key, list] of [...byWho].sort()) {
    out(`  ${key}: ${list.length}, ${fmt(list.reduce((a, s) => a + s.ms, 0))} ms, longest ${fmt(Math.max(...list.map((s) => s.ms)), 1)} (${list.sort((a, b) => b.ms - a.ms)[0].what})`);
  }
  out('\nbusy time per second, summed over the run (ms):');
  for (const [who, perKey] of sums) {
    const top = [...perKey].filter(([, ms]) => ms >= 50).sort((a, b) => b[1] - a[1]).slice(0, 8);
    if (top.length > 0) out(`  ${who}: ${top.map(([k, ms]) => `${k} ${fmt(ms)}`).join(', ')}`);
  }

  const delivered = (m: Moment) => (m.readable === undefined ? -1 : m.received! - m.readable);
  episodesOf('sent → received', moments, total, start, stalls);
  episodesOf('readable on SSE → received (what delivery adds)', moments.filter((m) => m.readable !== undefined), delivered, start, stalls);
}

/** The slowest 1 % by `measure`, grouped into episodes, each with the stalls that overlapped it. */
function episodesOf(title: string, moments: Moment[], measure: (m: Moment) => number, start: number, stalls: Stall[]): void {
  const total = (m: Moment) => m.received! - m.sent;
  const slowest = [...moments].sort((a, b) => measure(b) - measure(a)).slice(0, Math.max(1, Math.ceil(moments.length / 100)));
  slowest.sort((a, b) => a.sent - b.sent);
  const episodes: Moment[][] = [];
  for (const m of slowest) {
    const last = episodes.at(-1);
    if (last && m.sent - last.at(-1)!.sent < 100) last.push(m);
    else episodes.push([m]);
  }
  out(`\n${title}: the slowest 1 % (${slowest.length} changes, over ${fmt(measure(slowest.reduce((a, b) => (measure(a) < measure(b) ? a : b))), 1)} ms) in ${episodes.length} episodes:`);
  for (const episode of episodes) {
    const worst = episode.reduce((a, b) => (measure(a) > measure(b) ? a : b));
    const from = Math.min(...episode.map((m) => m.readable ?? m.sent)) - 50;
    const to = Math.max(...episode.map((m) => m.received!));
    // The burst it came in: changes that became readable on SSE within 2 ms of it (one commit, one SSE write).
    const burst = worst.readable === undefined ? 0 : moments.filter((m) => m.readable !== undefined && Math.abs(m.readable - worst.readable!) < 2).length;
    out(`- at +${fmt((episode[0].sent - start) / 1000, 2)} s: ${episode.length} changes, worst ${fmt(total(worst), 1)} ms = readable ${split(worst.readable, worst.sent)} + delivered ${split(worst.received, worst.readable)} (acked after ${split(worst.acked, worst.sent)}; readable in a burst of ${burst})`);
    const overlapping = stalls.filter((s) => s.t + s.ms >= from && s.t <= to && s.ms >= 10).sort((a, b) => a.t - b.t);
    for (const s of overlapping.slice(0, 30)) out(`    ${fmt(s.t - episode[0].sent, 1).padStart(7)} ms  ${s.who} ${s.kind} ${fmt(s.ms, 1)} ms ${s.what}`);
    if (overlapping.length > 30) out(`    ... and ${overlapping.length - 30} more`);
  }
}

const split = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '?' : fmt(Math.max(0, a - b), 1));

function traces(dir: string): { stalls: Stall[]; sums: Map<string, Map<string, number>> } {
  const stalls: Stall[] = [];
  const sums = new Map<string, Map<string, number>>();
  const names = new Map<number, string>();
  const entries = readdirSync(dir).filter((f) => f.endsWith('.ndjson')).flatMap((f) => lines<Record<string, any>>(join(dir, f))); // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const e of entries) if (e.kind === 'start' && e.thread === 'main') names.set(e.pid, processName(String(e.argv), e.pid));
  for (const e of entries) {
    const who = `${names.get(e.pid) ?? e.pid}/${e.thread}`;
    if (e.kind === 'sum') {
      const perKey = sums.get(who) ?? new Map<string, number>();
      for (const [k, ms] of Object.entries(e.ms as Record<string, number>)) perKey.set(k, (perKey.get(k) ?? 0) + ms);
      sums.set(who, perKey);
    } else if (e.kind !== 'start') {
      stalls.push({ who, kind: e.kind, t: e.t, ms: e.ms, what: e.kind === 'gc' ? e.gc : e.kind === 'sql' ? `${e.db}: ${e.sql}` : '' });
    }
  }
  return { stalls, sums };
}

function processName(argv: string, pid: number): string {
  if (argv.includes('--receiver')) return 'receiver';
  if (/src\/main\.js/.test(argv)) return `service(${pid})`;
  if (/bench/.test(argv)) return 'runner';
  return argv.split(' ')[0];
}

function lines<T>(file: string): T[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}

const out = (line: string) => process.stdout.write(`${line}\n`);

main();
