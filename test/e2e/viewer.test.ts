import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadScenarioFile } from '../../projections/identity-graph/given.fixture';
import { loadConfig } from '../../src/config';
import { RunningApp, startApp } from '../../src/main';
import {
  attributeOfAll, launchBrowser, openPage, saveScreenshot, strokeDashArray, textOfAll, toLocalInputValue, waitForCount,
  waitForText,
} from '../support/browser';
import {
  CRM_FIRST_POLICY, phaseOne, phaseTwo, SETTINGS, TOM_EMAIL, TOM_GRAPH_NOW, TOM_GRAPH_PHASE_ONE,
} from './viewer-dataset';

/**
 * The profile viewer against the real service: settings, records from three sources, 66 events and links are
 * ingested through the API, then a person is looked up in headless Chromium the way a support agent would.
 */
describe('profile viewer (real service)', () => {
  let running: RunningApp;
  let dataDir: string;
  let browser: Browser;
  /** A log time between the two ingestion phases: as of it, only phase one is known. */
  let between: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-viewer-'));
    const config = await loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    running = await startApp(config);
    await call('PUT', '/v1/identity/settings', SETTINGS, 200);
    await call('PUT', '/v1/merge-policies/crm-first', CRM_FIRST_POLICY);
    const now = Date.now();
    await ingest(phaseOne(now));
    between = await momentAfterNow();
    await ingest(phaseTwo(now));
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, body?: unknown, expected?: number): Promise<any> {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = await response.json();
    if (expected !== undefined ? response.status !== expected : !response.ok) {
      throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(payload)}`);
    }
    return payload;
  }

  /** Ingests a batch and waits until the read models have applied it. */
  async function ingest(items: unknown[]): Promise<void> {
    const { results } = await call('POST', '/v1/ingest', items, 207);
    const failed = results.filter((result: { position?: string }) => !result.position);
    expect(failed).toEqual([]);
    const last = results[results.length - 1].position;
    await call('GET', `/v1/profiles/Email/${encodeURIComponent(TOM_EMAIL)}?minPosition=${encodeURIComponent(last)}`);
  }

  /**
   * The log stamps appends with the service clock (this process's clock): once it has moved on, every later
   * append is stamped after the returned moment and every earlier one before or at it.
   */
  async function momentAfterNow(): Promise<string> {
    const moment = Date.now() + 1;
    while (Date.now() <= moment) await new Promise((done) => setImmediate(done));
    return new Date(moment).toISOString();
  }

  async function openProfile(): Promise<{ page: Page; errors: string[] }> {
    const opened = await openPage(browser, `${running.url}/`);
    await opened.page.getByLabel('Namespace').selectOption('Email');
    await opened.page.getByLabel('Value').fill(' Tom.Hanks@Acme.com ');
    await opened.page.getByRole('button', { name: 'Find profile' }).click();
    await opened.page.waitForURL(/#\/profile\/Email\//);
    return opened;
  }

  const cell = (path: string, column: string) => `tr[data-path="${path}"] td.${column}`;
  const nodeKeys = (page: Page) =>
    attributeOfAll(page.locator('.graph-node:not(.outside)'), 'data-key').then((keys) => keys.sort());

  it('finds a person by email: merged attributes with their sources, identities, counts and the graph', async () => {
    const { page, errors } = await openProfile();
    await waitForText(page, cell('tier', 'value'), 'gold');
    await waitForText(page, cell('tier', 'source'), 'loyalty');
    await waitForText(page, cell('name.first', 'source'), 'crm');
    await waitForText(page, cell('address.city', 'value'), 'London');
    await waitForText(page, '[data-testid="event-count"]', '66');
    await waitForCount(page, '[data-testid="identities"] li', TOM_GRAPH_NOW.length);
    await waitForCount(page, '.graph-node:not(.outside)', TOM_GRAPH_NOW.length);
    expect(await nodeKeys(page)).toEqual([...TOM_GRAPH_NOW].sort());
    await waitForCount(page, '.graph-link.removed', 1);
    const removed = page.locator('.graph-link.removed');
    expect([await removed.getAttribute('data-from'), await removed.getAttribute('data-to')].sort())
      .toEqual(['CRMID:tom-001', 'ECID:kiosk-7']);
    expect(await removed.locator('title').textContent()).toMatch(/reason: \S/);
    expect(await strokeDashArray(removed.locator('.stroke'))).not.toBe('none');
    await waitForCount(page, '.timeline-event', 25);
    await saveScreenshot(page, 'profile.png');
    expect(errors).toEqual([]);
  });

  it('browses the profiles page and opens one', async () => {
    const { page } = await openPage(browser, `${running.url}/`);
    await waitForCount(page, '[data-testid="profile-list"] li', { min: 2 });
    await page.getByRole('link', { name: 'CRMID:ann-002' }).click();
    await waitForText(page, cell('name.first', 'value'), 'Ann');
  });

  it('pages the timeline newest first as it scrolls', async () => {
    const { page } = await openProfile();
    await waitForCount(page, '.timeline-event', 25);
    await page.getByTestId('timeline-more').scrollIntoViewIfNeeded();
    await waitForCount(page, '.timeline-event', { min: 50 });
    await page.getByTestId('timeline-more').scrollIntoViewIfNeeded();
    await waitForCount(page, '.timeline-event', 66);
    const times = await attributeOfAll(page.locator('.timeline-event time'), 'datetime');
    expect(times).toEqual([...times].sort().reverse());
    await page.getByLabel('Event type').selectOption('purchase');
    await waitForCount(page, '.timeline-event', 8);
  });

  it('shows the whole page as it was at a chosen time', async () => {
    const { page } = await openProfile();
    await waitForText(page, cell('tier', 'value'), 'gold');
    await page.getByLabel('As of').fill(toLocalInputValue(between));
    await page.getByLabel('As of').press('Enter');
    await page.getByTestId('as-of-note').waitFor();
    await waitForText(page, cell('tier', 'value'), 'silver');
    await waitForText(page, cell('tier', 'source'), 'crm');
    await waitForCount(page, '.graph-node:not(.outside)', TOM_GRAPH_PHASE_ONE.length);
    expect(await nodeKeys(page)).toEqual([...TOM_GRAPH_PHASE_ONE].sort());
    expect(await page.locator('.graph-link.removed').count()).toBe(0);
    await waitForCount(page, '.timeline-event', 10);
  });

  it('re-reads the profile under another merge policy', async () => {
    const { page } = await openProfile();
    await waitForText(page, cell('tier', 'value'), 'gold');
    await page.getByLabel('Merge policy').selectOption('crm-first');
    await waitForText(page, cell('tier', 'value'), 'silver');
    await waitForText(page, cell('tier', 'source'), 'crm');
  });

  it('lists the history of the profile and replays the graph from its first step', async () => {
    const { page } = await openProfile();
    await page.getByRole('tab', { name: 'History' }).click();
    await waitForCount(page, '[data-testid="history-entry"]', { min: 3 });
    const history = (await textOfAll(page.locator('[data-testid="history-entry"] .changes'))).join('\n');
    expect(history).toContain('tier set to "silver"');
    expect(history).toMatch(/unlinked (CRMID:tom-001 — ECID:kiosk-7|ECID:kiosk-7 — CRMID:tom-001) \(\S+/);
    // Each ingestion phase was one batch, appended in one group commit: one log time, one replay step each.
    await page.getByRole('button', { name: 'Replay how this graph grew' }).click();
    await page.locator('#graph-replay').fill('0');
    await waitForCount(page, '.graph-node.outside', 0);
    await waitForCount(page, '.graph-node', TOM_GRAPH_PHASE_ONE.length);
    expect(await nodeKeys(page)).toEqual([...TOM_GRAPH_PHASE_ONE].sort());
  });

  it('explains the chain of links that joins an identity to the profile', async () => {
    const { page } = await openProfile();
    await page.locator('.graph-node[data-key="IDFA:A1B2-C3D4"]').click();
    await waitForCount(page, '[data-testid="explain-chain"] li', { min: 1 });
    const chain = await textOfAll(page.locator('[data-testid="explain-chain"] li'));
    expect(chain.join('\n')).toContain('IDFA:A1B2-C3D4');
  });

  it('shows a profile looked up by a value no path can carry (.), with its graph and timeline', async () => {
    const owner = { namespace: 'CRMID', id: 'dot-owner' };
    const dot = { namespace: 'ECID', id: '.' };
    await ingest([
      { kind: 'record', id: 'dot-1', source: 'crm', identities: [owner, dot], attributes: { name: { first: 'Dot' } } },
      { kind: 'event', id: 'dot-e1', source: 'web', type: 'pageView', timestamp: new Date().toISOString(), identities: [dot] },
    ]);
    const { page, errors } = await openPage(browser, `${running.url}/#/profile/ECID/.`);
    await waitForText(page, cell('name.first', 'value'), 'Dot');
    await waitForCount(page, '.graph-node:not(.outside)', 2);
    expect(await nodeKeys(page)).toEqual(['CRMID:dot-owner', 'ECID:.']);
    await waitForCount(page, '.timeline-event', 1);
    await page.locator('.graph-node[data-key="CRMID:dot-owner"]').click();
    await waitForCount(page, '[data-testid="explain-chain"] li', 1);
    expect(errors).toEqual([]);
  });

  it('reproduces the public identity-linking scenarios in the simulator', async () => {
    const file = loadScenarioFile();
    const { page, errors } = await openPage(browser, `${running.url}/#/simulator`);
    // S1: a unique-namespace conflict removes a link; S17: a scenario on top of a shared base.
    for (const id of ['S17', 'S1']) {
      const scenario = file.scenarios.find((s) => s.id === id)!;
      const base = scenario.base ? file.bases[scenario.base] : [];
      const shown = await simulateScenario(page, file.configs[scenario.config], [...base, ...scenario.events], scenario.expect.length);
      expect(shown.sort()).toEqual(scenario.expect.map((graph) => [...graph].sort().join(' | ')).sort());
    }
    await waitForCount(page, '.graph-link.removed', { min: 1 });
    await saveScreenshot(page, 'simulator.png');
    expect(errors).toEqual([]);
  });

  /** Types the namespaces and event lines into the simulator form; returns each graph as sorted identity keys. */
  async function simulateScenario(page: Page, config: [string, string, boolean][], lines: string[], graphs: number) {
    await page.getByRole('button', { name: 'Remove all' }).click();
    for (const [code, type, unique] of config) {
      await page.getByRole('button', { name: 'Add namespace' }).click();
      const row = page.locator('[data-testid="ns-row"]').last();
      await row.getByLabel('Code').fill(code);
      await row.getByLabel('Type').selectOption(type);
      await row.getByLabel('Unique').setChecked(unique);
    }
    await page.getByLabel('Events').fill(lines.join('\n'));
    const answered = page.waitForResponse((response) => response.url().endsWith('/v1/identity/simulate'));
    await page.getByRole('button', { name: 'Simulate' }).click();
    await answered;
    await waitForCount(page, '[data-testid="sim-graph"]', graphs);
    return (await textOfAll(page.locator('[data-testid="sim-graph"]')))
      .map((text) => text.replace(/^Graph \d+: /, '').split(', ').sort().join(' | '));
  }
});
