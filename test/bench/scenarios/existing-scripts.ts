import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * The component benchmarks of the other issues, run as child processes and their text output kept in the JSON: the
 * event store adapter beside raw inserts (no HTTP), the pure identity-graph fold over generated items, and asOf
 * reads of one subject as the log grows.
 */
export function runScript(script: string, args: string[], env: Record<string, string>, maxSeconds: number, nodeFlags: string[] = []): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeFlags, join(__dirname, '..', script), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), maxSeconds * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? out.trim() : `${out.trim()}\n(exit ${code})`);
    });
  });
}

export interface ComponentSizes {
  storeEvents: number;
  foldItems: number;
  asOfStages: string;
  computedItems: number;
}

export async function runExistingScripts(sizes: ComponentSizes): Promise<{ eventStore: string; identityFold: string; asOf: string; computed: string }> {
  const eventStore = await runScript('event-store.bench.js', [], { BENCH_EVENTS: String(sizes.storeEvents), BENCH_ROUNDS: '1' }, 300);
  const identityFold = await runScript('identity-fold.bench.js', ['--items', String(sizes.foldItems)], {}, 600);
  const asOf = await runScript('as-of.bench.js', ['--stages', sizes.asOfStages, '--runs', '20'], {}, 900);
  // H13's computed-attributes script (issue 13): per-event cost with 0 vs 20 definitions, backfill, lapse lag (JSON).
  const computed = await runScript('computed-attributes.bench.js', ['--items', String(sizes.computedItems)], {}, 900);
  return { eventStore, identityFold, asOf, computed };
}
