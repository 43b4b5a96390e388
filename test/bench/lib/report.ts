import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fmt } from './stats';
import { PROJECT_ROOT } from './service';

/** The figures table (stdout) and the JSON file under test/bench/results/. */
export interface Row {
  scenario: string;
  tessera: string;
  baseline: string;
  ratio?: number;
  target: string;
  /** undefined: no target, or not measured. */
  met?: boolean;
  /** The load that produced the figure: client, connections, duration. */
  load?: string;
}

export function machine(): Record<string, unknown> {
  const commit = (() => {
    // A snapshot build outside the checkout (no .git) names its commit in BENCH_COMMIT.
    if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
    try {
      return execSync('git rev-parse --short HEAD', { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
    commit,
  };
}

export function ratioCell(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? '—' : `${fmt(r, 2)}×`;
}

export function printTable(rows: readonly Row[]): string {
  const header = ['scenario', 'Tessera', 'baseline', 'ratio', 'target', 'met', 'load (client, connections, duration)'];
  const cells = rows.map((r) => [r.scenario, r.tessera, r.baseline, ratioCell(r.ratio), r.target, r.met === undefined ? '—' : r.met ? 'yes' : 'NO', r.load ?? '']);
  const lines = [header, header.map(() => '---'), ...cells].map((c) => `| ${c.join(' | ')} |`);
  const text = lines.join('\n');
  process.stdout.write(`\n${text}\n`);
  return text;
}

export function writeResults(mode: string, payload: Record<string, unknown>): string {
  const dir = join(PROJECT_ROOT, 'test', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mode}.json`);
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}
