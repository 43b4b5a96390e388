import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { closedLoop, HttpClient, openLoop } from '../lib/http-load';
import type { ServiceProcess } from '../lib/service';
import { summarise, type LatencySummary } from '../lib/stats';

/**
 * Lookup: GET /v1/profiles/{namespace}/{id} over known identities, 32 keep-alive connections, closed loop (requests/s
 * and latency at saturation), then an open loop at 2,000 requests/s (the latency target's load). The same closed
 * loop against a bare node:http server answering the same bytes gives the ceiling on this machine.
 */
export interface LookupResult {
  bodyBytes: number;
  service: { rate: number; latency: LatencySummary };
  at2000: { achieved: number; latency: LatencySummary; errors: number };
  bare: { rate: number; latency: LatencySummary };
}

export const LOOKUP_CONNECTIONS = 32;
const OPEN_RATE = 2000;

async function saturate(base: string, paths: readonly string[], seconds: number) {
  const client = new HttpClient(base, LOOKUP_CONNECTIONS);
  try {
    await closedLoop(LOOKUP_CONNECTIONS, 500, 10, async (i) => void (await client.send('GET', paths[i % paths.length])));
    const loop = await closedLoop(LOOKUP_CONNECTIONS, Number.MAX_SAFE_INTEGER, seconds, async (i) => {
      const reply = await client.send('GET', paths[i % paths.length]);
      if (reply.status !== 200) throw new Error(`GET answered ${reply.status}`);
    });
    return { rate: loop.requests / loop.seconds, latency: summarise(loop.latenciesMs) };
  } finally {
    client.close();
  }
}

async function fixedRate(base: string, paths: readonly string[], seconds: number) {
  const client = new HttpClient(base, LOOKUP_CONNECTIONS);
  let errors = 0;
  try {
    const loop = await openLoop(OPEN_RATE, seconds, async (i) => {
      const t = performance.now();
      const reply = await client.send('GET', paths[i % paths.length]);
      if (reply.status !== 200) errors++;
      return performance.now() - t;
    });
    return { achieved: loop.sent / loop.seconds, latency: summarise(loop.latenciesMs), errors };
  } finally {
    client.close();
  }
}

async function bareServer(body: string, seconds: number, paths: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-bare-'));
  writeFileSync(join(dir, 'body.json'), body);
  const child = spawn(process.execPath, [join(__dirname, '..', 'baselines', 'bare-server.js'), join(dir, 'body.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const port = Number(/listening (\d+)/.exec(line.toString())?.[1]);
    return await saturate(`http://127.0.0.1:${port}`, paths, seconds);
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runLookup(service: ServiceProcess, identities: readonly { namespace: string; id: string }[], seconds: number): Promise<LookupResult> {
  const paths = identities.map(({ namespace, id }) => `/v1/profiles/${namespace}/${encodeURIComponent(id)}`);
  const probe = new HttpClient(service.url, 1);
  const sample = await probe.send('GET', paths[0]);
  probe.close();
  if (sample.status !== 200) throw new Error(`lookup sample answered ${sample.status}`);
  const measured = await saturate(service.url, paths, seconds);
  const at2000 = await fixedRate(service.url, paths, seconds);
  const bare = await bareServer(sample.body, seconds, paths);
  return { bodyBytes: Buffer.byteLength(sample.body), service: measured, at2000, bare };
}
