/**
 * The viewer's load time for a big profile: 1,000 events and a 50-identity graph (the graph cap), measured in
 * headless Chromium against the real service. Time from navigation to the profile page showing its graph, its
 * attributes and the first timeline page. A script, not a test:
 *   npx tsc -p tsconfig.json --outDir /tmp/vl && cp -r src/viewer/public /tmp/vl/src/viewer/ &&
 *   NODE_PATH=$PWD/node_modules node /tmp/vl/test/bench/viewer-load.bench.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config';
import { startApp } from '../../src/main';
import { launchBrowser } from '../support/browser';

const RUNS = 5;

async function post(url: string, path: string, body: unknown): Promise<string> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { results?: Array<{ position: string; status: number }> };
  if (res.status !== 207 || json.results!.some((r) => r.status !== 202)) throw new Error(`ingest failed: ${res.status}`);
  return json.results![json.results!.length - 1].position;
}

/** One person: a CRM record, 48 cookies linked to the CRM id (50 identities with the e-mail), 1,000 events. */
async function seed(url: string): Promise<string> {
  const crm = { namespace: 'CRMID', id: 'big-1' };
  const email = { namespace: 'Email', id: 'big@acme.com' };
  const items: unknown[] = [{ kind: 'record', source: 'crm', identities: [crm, email], attributes: { name: 'Big', tier: 'gold' } }];
  for (let c = 0; c < 48; c++) items.push({ kind: 'link', source: 'web', identities: [crm, { namespace: 'ECID', id: `c${c}` }] });
  await post(url, '/v1/ingest', items);
  let position = '';
  for (let batch = 0; batch < 2; batch++) {
    const events = Array.from({ length: 500 }, (_, i) => ({
      kind: 'event', id: `e${batch}-${i}`, source: 'web', type: i % 10 === 0 ? 'purchase' : 'pageView',
      timestamp: new Date(Date.UTC(2026, 0, 1) + (batch * 500 + i) * 60_000).toISOString(),
      identities: [{ namespace: 'ECID', id: `c${i % 48}` }], data: { url: `/p/${i}` },
    }));
    position = await post(url, '/v1/ingest', events);
  }
  return position;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-viewer-load-'));
  const config = await loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: dir });
  const running = await startApp(config);
  const browser = await launchBrowser();
  try {
    const position = await seed(running.url);
    const profile = await fetch(`${running.url}/v1/profiles/Email/big%40acme.com?minPosition=${position}`);
    const body = (await profile.json()) as { eventCount: number; identities: unknown[] };
    process.stdout.write(`profile: ${body.eventCount} events, ${body.identities.length} identities\n`);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await (await browser.newContext()).newPage();
      const started = Date.now();
      await page.goto(`${running.url}/#/profile/Email/${encodeURIComponent('big@acme.com')}`);
      await page.locator('.graph-node').nth(49).waitFor();
      await page.locator('[data-path="tier"]').first().waitFor();
      await page.locator('[data-testid="timeline-event"]').first().waitFor();
      times.push(Date.now() - started);
      await page.context().close();
    }
    times.sort((a, b) => a - b);
    process.stdout.write(`viewer load (navigation → graph of 50 nodes, attributes, first timeline page), ${RUNS} cold loads: ` +
      `median ${times[Math.floor(RUNS / 2)]} ms, max ${times[RUNS - 1]} ms\n`);
  } finally {
    await browser.close();
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
