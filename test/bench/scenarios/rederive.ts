import type { Row } from '../lib/report';

interface Measured {
  events: number;
  linkedErasureMs: number;
  rejectionMs: number;
  settings: { ms: number; streamed: boolean; newItems: number; visibleP99: number; visibleMax: number; peakRssMiB: number };
}

/** rederive.bench.ts prints one `RESULT [...]` line: one entry per log size, smallest first. */
export function parseRederive(output: string): Measured[] {
  const line = output.split('\n').find((l) => l.startsWith('RESULT '));
  try {
    return line ? (JSON.parse(line.slice('RESULT '.length)) as Measured[]) : [];
  } catch {
    return [];
  }
}

/** Issue 18's targets: under 5 s at 1M, ≤ 1.5× for a 4× log; a settings change under 1 GiB with new items visible within 1 s. */
export function rederiveRows(output: string): Row[] {
  const runs = parseRederive(output);
  if (runs.length === 0) return [{ scenario: 'rule changes (issue 18)', tessera: '— (see results JSON)', baseline: '', target: '' }];
  const rows: Row[] = [];
  for (const r of runs) {
    const n = r.events.toLocaleString('en');
    rows.push({ scenario: `linked erasure, log of ${n} events`, tessera: `${(r.linkedErasureMs / 1000).toFixed(2)} s`, baseline: '', target: '< 5 s', met: r.linkedErasureMs < 5000 });
    rows.push({ scenario: `link rejection, log of ${n} events`, tessera: `${r.rejectionMs.toFixed(0)} ms`, baseline: '', target: '< 5 s', met: r.rejectionMs < 5000 });
    const s = r.settings;
    rows.push({ scenario: `settings change, log of ${n} events: peak RSS`, tessera: `${s.peakRssMiB.toFixed(0)} MiB (${(s.ms / 1000).toFixed(0)} s)`, baseline: '', target: '< 1024 MiB', met: s.peakRssMiB < 1024 });
    rows.push({ scenario: `settings change, log of ${n} events: new items visible`, tessera: `p99 ${s.visibleP99.toFixed(0)} ms, max ${s.visibleMax.toFixed(0)} ms (${s.newItems} items)`, baseline: '', target: '< 1 s', met: s.visibleMax < 1000 });
  }
  const [small, large] = [runs[0], runs[runs.length - 1]];
  if (runs.length > 1) {
    const growth = `${(large.events / small.events).toFixed(0)}× log`;
    const erasure = large.linkedErasureMs / small.linkedErasureMs;
    const rejection = large.rejectionMs / small.rejectionMs;
    rows.push({ scenario: `linked erasure, ${growth}`, tessera: `${erasure.toFixed(2)}×`, baseline: '', ratio: erasure, target: '≤ 1.5×', met: erasure <= 1.5 });
    rows.push({ scenario: `link rejection, ${growth}`, tessera: `${rejection.toFixed(2)}×`, baseline: '', ratio: rejection, target: '≤ 1.5×', met: rejection <= 1.5 });
  }
  return rows;
}
