import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep } from './stats';

/**
 * The built service (dist-bench/src/main.js) in a child process with its own temp DATA_DIR, on 127.0.0.1 only.
 * BENCH_PROFILE=<dir> starts it under `node --cpu-prof`, the profile written there when it stops; BENCH_SERVICE_FLAGS sets
 * the service's node flags (default: those of `npm start`).
 */
/** The node flags of `npm start` (package.json "start"). */
export const SERVICE_NODE_FLAGS = '--max-old-space-size=640';
export const BENCH_OUT = resolve(__dirname, '..', '..', '..');
const MAIN = join(BENCH_OUT, 'src', 'main.js');
export const PROJECT_ROOT = resolve(BENCH_OUT, '..');

export interface ServiceProcess {
  url: string;
  dataDir: string;
  pid: number;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  rssMiB(): number;
  /** CPU seconds (user + system) the service process has used so far. */
  cpuSeconds(): number;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function statusField(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string, readyPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited (${child.exitCode}): ${stderr()}`);
    const ok = await fetch(`${url}${readyPath}`).then((r) => r.status < 500, () => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`service not ready within 60 s: ${stderr()}`);
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** `readyPath`: what answers below 500 once it is up (/metrics for a service whose read models trail its log on purpose). */
export async function startService(name: string, env: Record<string, string> = {}, readyPath = '/v1/health'): Promise<ServiceProcess> {
  const dataDir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), `tessera-bench-${name}-`));
  const port = await freePort();
  const profile = process.env.BENCH_PROFILE;
  // BENCH_SERVICE_FLAGS: node flags for the service only; by default the heap bound `npm start` gives it (package.json),
  // so the bench measures the service as it is started. BENCH_SERVICE_FLAGS= (empty) runs it without.
  const flags = (process.env.BENCH_SERVICE_FLAGS ?? SERVICE_NODE_FLAGS).split(' ').filter(Boolean);
  const args = [...flags, ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${name}.cpuprofile`] : []), MAIN];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // A runner that dies (a crash, an out-of-memory) must not leave the service running on its port.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  let errors = '';
  child.stderr?.on('data', (c: Buffer) => void (errors = (errors + c.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, () => errors, readyPath);
  const pid = child.pid!;
  return {
    url,
    dataDir,
    pid,
    peakRssMiB: () => statusField(pid, 'VmHWM'),
    rssMiB: () => statusField(pid, 'VmRSS'),
    cpuSeconds: () => cpuSecondsOf(pid),
    stop: async ({ keepData = false } = {}) => {
      child.kill('SIGTERM');
      if (!(await exited(child, 15_000))) {
        child.kill('SIGKILL');
        await exited(child, 5_000);
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
