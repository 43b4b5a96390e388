import '../support/project-node-modules';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { appendWorkload } from './lib/direct-log';
import { runRebuild } from './scenarios/rebuild';

/**
 * The rebuild scenario alone, for profiling and before/after pairs: a workload log of `--events` (default 100,000)
 * appended straight into `--dir` (kept, so later runs reuse it), then `--rounds` rebuilds side by side with the raw
 * read-and-fold, each into a fresh target:
 *   npx tsc -p tsconfig.bench.json && node dist-bench/test/bench/rebuild.bench.js --dir /tmp/rebuild-100k --rounds 2
 * Add `node --cpu-prof` to profile it (profile-top.js reads the result).
 */
const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
};
const say = (text: string) => process.stderr.write(`[rebuild bench +${process.uptime().toFixed(0)}s] ${text}\n`);

async function main(): Promise<void> {
  const events = Number(arg('events', '100000'));
  const dir = resolve(arg('dir', '/tmp/tessera-rebuild-bench'));
  const rounds = Number(arg('rounds', '1'));
  mkdirSync(dir, { recursive: true });
  const generated = await appendWorkload(dir, events, 1, (n, rate) => say(`appended ${n} events (${rate.toFixed(0)}/s)`));
  say(`log of ${generated.events} events ready (${generated.seconds.toFixed(1)} s)`);
  for (let round = 1; round <= rounds; round++) {
    for (const file of ['rebuild-models.sqlite', 'rebuild-models.sqlite-wal', 'rebuild-models.sqlite-shm']) {
      if (existsSync(join(dir, file))) rmSync(join(dir, file));
    }
    const result = await runRebuild(dir, 3600);
    console.log(JSON.stringify({ round, load: loadavg()[0], ...result, ratio: result.rate / result.raw.rate, cpuRatio: result.raw.cpuSeconds / result.cpuSeconds }));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
