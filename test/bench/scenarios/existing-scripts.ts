import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * The two component benchmarks that predate the suite, run as child processes and their text output kept in the
 * JSON: the event store adapter beside raw inserts (no HTTP), and the pure identity-graph fold over generated items.
 */
function runScript(script: string, args: string[], env: Record<string, string>, maxSeconds: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(__dirname, '..', script), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

export async function runExistingScripts(storeEvents: number, foldItems: number): Promise<{ eventStore: string; identityFold: string }> {
  const eventStore = await runScript('event-store.bench.js', [], { BENCH_EVENTS: String(storeEvents), BENCH_ROUNDS: '1' }, 300);
  const identityFold = await runScript('identity-fold.bench.js', ['--items', String(foldItems)], {}, 600);
  return { eventStore, identityFold };
}
