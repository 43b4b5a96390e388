import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBareServer } from '../baselines/bare-servers';
import { HttpClient } from '../lib/http-load';
import { runLoad, type MeasuredLoad } from '../lib/load';
import type { LoadRequest } from '../lib/load-client';
import type { ServiceProcess } from '../lib/service';

/**
 * Lookup: GET /v1/profiles/{namespace}/{id} over known identities. autocannon in its own process, 32 keep-alive
 * connections, closed loop (requests/s and latency at saturation), and right after it the same load against a bare
 * node:http server answering the same bytes (32 and 64 connections: the ceiling on this machine, and the proof it
 * is one). Then `runs` consecutive paced windows at 2,000 requests/s (the latency target is p99 < 5 ms in each).
 */
export interface LookupResult {
  bodyBytes: number;
  service: MeasuredLoad;
  bare: { at32: MeasuredLoad; at64: MeasuredLoad };
  at2000: MeasuredLoad[];
}

export const LOOKUP_CONNECTIONS = 32;
const OPEN_RATE = 2000;

function check(load: MeasuredLoad, what: string): MeasuredLoad {
  if (load.failures > 0) throw new Error(`${what}: ${load.failures} failed requests (${JSON.stringify(load.statuses)})`);
  return load;
}

async function bare(body: string, requests: LoadRequest[], seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-bare-'));
  writeFileSync(join(dir, 'body.json'), body);
  const server = await startBareServer('bare-server.js', [join(dir, 'body.json')]);
  try {
    const spec = { kind: 'closed' as const, url: server.url, method: 'GET' as const, requests, seconds, expect: 200, warmup: 2000 };
    const at32 = await runLoad({ ...spec, connections: LOOKUP_CONNECTIONS }, server.pid);
    const at64 = await runLoad({ ...spec, connections: 2 * LOOKUP_CONNECTIONS }, server.pid);
    return { at32, at64 };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runLookup(service: ServiceProcess, identities: readonly { namespace: string; id: string }[], seconds: number, runs: number): Promise<LookupResult> {
  const requests = identities.map(({ namespace, id }) => ({ path: `/v1/profiles/${namespace}/${encodeURIComponent(id)}` }));
  const probe = new HttpClient(service.url, 1);
  const sample = await probe.send('GET', requests[0].path);
  probe.close();
  if (sample.status !== 200) throw new Error(`lookup sample answered ${sample.status}`);
  const spec = { kind: 'closed' as const, url: service.url, method: 'GET' as const, requests, seconds, expect: 200, warmup: 2000, connections: LOOKUP_CONNECTIONS };
  const measured = check(await runLoad(spec, service.pid), 'lookup');
  const baseline = await bare(sample.body, requests, seconds);
  const at2000: MeasuredLoad[] = [];
  for (let i = 0; i < runs; i++) {
    at2000.push(await runLoad({ kind: 'paced', url: service.url, method: 'GET', requests, rate: OPEN_RATE, seconds, expect: 200, connections: LOOKUP_CONNECTIONS }, service.pid));
  }
  return { bodyBytes: Buffer.byteLength(sample.body), service: measured, bare: baseline, at2000 };
}
