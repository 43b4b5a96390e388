import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LoadResult, LoadSpec } from './load-client';
import { cpuSecondsOf } from './service';

/**
 * Runs one load in the load-client process (lib/load-client.ts) against a server process, and samples that server's
 * CPU over the client's timed window: client and server CPU side by side show which of the two is the bottleneck
 * (a server near 100 % of a core with a client below it is saturated; the reverse means the client caps the figure).
 */
export interface MeasuredLoad extends LoadResult {
  client: string;
  connections: number;
  /** CPU use over the timed window, 100 = one core. */
  serverCpuPercent: number;
  clientCpuPercent: number;
  serverCpuUsPerRequest: number;
}

export const CLIENT_NAME = { closed: 'autocannon 8', paced: 'paced open loop', freshness: 'paced open loop + probe GETs' } as const;

export async function runLoad(spec: LoadSpec, serverPid: number): Promise<MeasuredLoad> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tessera-bench-load-'));
  const specFile = join(dir, 'spec.json');
  const resultFile = join(dir, 'result.json');
  writeFileSync(specFile, JSON.stringify(spec));
  try {
    const child = spawn(process.execPath, [join(__dirname, 'load-client.js'), specFile, resultFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (c: Buffer) => void (errors = (errors + c.toString()).slice(-4000)));
    const exit = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
    let cpuStart = NaN;
    let cpuEnd = NaN;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'start') cpuStart = cpuSecondsOf(serverPid);
      if (line === 'end') cpuEnd = cpuSecondsOf(serverPid);
    }
    const code = await exit;
    if (code !== 0) throw new Error(`load client exited ${code}: ${errors}`);
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as LoadResult;
    const serverCpu = cpuEnd - cpuStart;
    return {
      ...result,
      client: CLIENT_NAME[spec.kind],
      connections: spec.connections,
      serverCpuPercent: (100 * serverCpu) / result.seconds,
      clientCpuPercent: (100 * result.clientCpuSeconds) / result.seconds,
      serverCpuUsPerRequest: (serverCpu * 1e6) / Math.max(1, result.requests),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** "autocannon 8, 64 conns, 3,000 req in 2.3 s": the load column of the table. */
export function loadCell(l: Pick<MeasuredLoad, 'client' | 'connections' | 'requests' | 'seconds'>): string {
  return `${l.client}, ${l.connections} conns, ${l.requests.toLocaleString('en-US')} req in ${l.seconds.toFixed(1)} s`;
}

/** "server 98 % / client 61 % CPU" */
export function cpuCell(l: Pick<MeasuredLoad, 'serverCpuPercent' | 'clientCpuPercent'>): string {
  return `server ${Math.round(l.serverCpuPercent)} % / client ${Math.round(l.clientCpuPercent)} % CPU`;
}
