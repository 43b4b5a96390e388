import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Browser } from 'playwright-core';
import { ViewerModule } from '../../src/viewer';
import {
  attributeOfAll, launchBrowser, openPage, pageScrollWidth, sessionItem, strokeDashArray, toLocalInputValue,
  waitForCount, waitForText,
} from '../support/browser';
import { installApiStub, STUB_SPLIT, STUB_T0 } from './viewer-api-stub';

/**
 * The viewer in real headless Chromium against a canned API (viewer-api-stub.ts): what the page does with each
 * answer of API.md, independent of the rest of the service. viewer.test.ts runs it against the real service.
 */
@Module({ imports: [ViewerModule] })
class ViewerOnlyModule {}

describe('profile viewer (canned API)', () => {
  let app: NestFastifyApplication;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ViewerOnlyModule, new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(hash = '', viewport?: { width: number; height: number }) {
    const opened = await openPage(browser, 'about:blank', viewport);
    const requests = await installApiStub(opened.page);
    await opened.page.goto(`${baseUrl.replace('[::1]', '127.0.0.1')}/${hash}`);
    return { ...opened, requests };
  }

  const cell = (path: string, column: string) => `tr[data-path="${path}"] td.${column}`;

  it('finds a person by email and shows attributes with their sources, identities and counts', async () => {
    const { page, errors } = await open();
    await page.getByLabel('Namespace').selectOption('Email');
    await page.getByLabel('Value').fill('  tom@acme.com ');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/profile\/Email\/tom%40acme\.com$/);
    await waitForText(page, cell('tier', 'value'), 'gold');
    await waitForText(page, cell('tier', 'source'), 'loyalty');
    await waitForText(page, cell('name.first', 'source'), 'crm');
    await waitForText(page, '[data-testid="event-count"]', '60');
    await waitForCount(page, '[data-testid="identities"] li', 5);
    expect(errors).toEqual([]);
  });

  it('draws the graph with typed nodes, a dashed removed link with its reason, and explains a node', async () => {
    const { page, errors } = await open('#/profile/CRMID/tom-001');
    await waitForCount(page, '.graph-node:not(.outside)', 5);
    expect(await page.locator('.graph-node.outside').getAttribute('data-key')).toBe('ECID:kiosk');
    expect(await page.locator('.graph-node[data-key="IDFA:A-A-A"]').getAttribute('class')).toContain('type-device');
    await waitForCount(page, '.graph-link:not(.removed)', 4);
    const removed = page.locator('.graph-link.removed');
    expect(await removed.locator('title').textContent()).toContain('reason: UNIQUE_NAMESPACE_CONFLICT CRMID');
    expect(await strokeDashArray(removed.locator('.stroke'))).not.toBe('none');
    await page.locator('.graph-node[data-key="IDFA:A-A-A"]').focus();
    await page.keyboard.press('Enter');
    await waitForCount(page, '[data-testid="explain"] .chain li', 2);
    expect(errors).toEqual([]);
  });

  it('replays the graph: the first step shows it as it was before the later links', async () => {
    const { page, requests } = await open('#/profile/CRMID/tom-001');
    await page.getByRole('button', { name: 'Replay how this graph grew' }).click();
    await waitForText(page, '[data-testid="replay-caption"]', 'Step 3 of 3: now');
    await page.locator('#graph-replay').fill('0');
    await waitForCount(page, '.graph-node', 3);
    const graphCalls = requests.filter((url) => url.pathname.endsWith('/graph'));
    expect(graphCalls.at(-1)?.searchParams.get('asOf')).toBe(new Date(Date.parse(STUB_T0) + 1).toISOString());
  });

  it('pages the timeline as it scrolls, newest first, and filters by type', async () => {
    const { page, requests } = await open('#/profile/CRMID/tom-001');
    await waitForCount(page, '.timeline-event', 25);
    const firstTimes = await attributeOfAll(page.locator('.timeline-event time'), 'datetime');
    expect(firstTimes).toEqual([...firstTimes].sort().reverse());
    await page.getByTestId('timeline-more').scrollIntoViewIfNeeded();
    await waitForCount(page, '.timeline-event', { min: 50 });
    await page.getByTestId('timeline-more').scrollIntoViewIfNeeded();
    await waitForCount(page, '.timeline-event', 60);
    expect(await page.getByTestId('timeline-more').isHidden()).toBe(true);
    await page.getByLabel('Event type').selectOption('purchase');
    await waitForCount(page, '.timeline-event', 20);
    expect(new Set(await attributeOfAll(page.locator('.timeline-event'), 'data-type'))).toEqual(new Set(['purchase']));
    const eventCalls = requests.filter((url) => url.pathname.endsWith('/events'));
    expect(eventCalls.every((url) => url.searchParams.get('order') === 'desc')).toBe(true);
    await page.locator('.timeline-event details summary').first().click();
    expect(await page.locator('.timeline-event details pre').first().textContent()).toContain('/products/');
  });

  it('shows the whole page as of a chosen time, and under another merge policy', async () => {
    const { page, requests } = await open('#/profile/CRMID/tom-001');
    await waitForText(page, cell('tier', 'value'), 'gold');
    const asOf = new Date(Date.parse(STUB_SPLIT) - 3_600_000).toISOString();
    await page.getByLabel('As of').fill(toLocalInputValue(asOf).replace(/\.000$/, ''));
    await page.getByRole('button', { name: 'Show' }).click();
    await waitForText(page, cell('tier', 'value'), 'silver');
    await waitForCount(page, '.graph-node', 3);
    await waitForText(page, '[data-testid="event-count"]', '0');
    await page.getByTestId('as-of-note').waitFor();
    await page.getByRole('tab', { name: 'History' }).click();
    await waitForCount(page, '[data-testid="history-entry"]', 1);
    for (const path of ['', '/graph', '/events', '/history']) {
      const call = requests.filter((url) => url.pathname === `/v1/profiles/CRMID/tom-001${path}`).at(-1);
      expect(call?.searchParams.get('asOf')).toBe(asOf);
    }
    await page.getByRole('button', { name: 'Now' }).click();
    await waitForText(page, cell('tier', 'value'), 'gold');
    await page.getByLabel('Merge policy').selectOption('crm-first');
    await waitForText(page, cell('tier', 'value'), 'bronze');
    await waitForText(page, cell('tier', 'source'), 'crm');
    expect(page.url()).toContain('mergePolicy=crm-first');
  });

  it('shows the history (reached by keyboard): what changed, when and why', async () => {
    const { page } = await open('#/profile/CRMID/tom-001');
    await page.getByRole('tab', { name: 'Timeline' }).focus();
    await page.keyboard.press('ArrowRight');
    await waitForCount(page, '[data-testid="history-entry"]', 3);
    expect(await page.getByRole('tab', { name: 'History' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('history').textContent()).toContain('unlinked ECID:kiosk — CRMID:tom-001 (UNIQUE_NAMESPACE_CONFLICT CRMID)');
  });

  it('simulates linking rules typed into the form and draws removed links dashed', async () => {
    const { page } = await open('#/simulator');
    await page.getByRole('button', { name: 'Remove all' }).click();
    for (const [code, type, unique] of [['Email', 'email', true], ['ECID', 'cookie', false], ['CRMID', 'person', true]] as const) {
      await page.getByRole('button', { name: 'Add namespace' }).click();
      const row = page.locator('[data-testid="ns-row"]').last();
      await row.getByLabel('Code').fill(code);
      await row.getByLabel('Type').selectOption(type);
      await row.getByLabel('Unique').setChecked(unique);
    }
    // CRMID first: moved up twice by keyboard, focus following the row.
    await page.locator('[data-testid="ns-row"]').last().getByRole('button', { name: 'Move up' }).click();
    await page.keyboard.press('Enter');
    await page.getByLabel('Events').fill('CRMID:Jane, Email:jane@x.com\nCRMID:John, Email:john@x.com\n\nCRMID:Jane, ECID:L\nCRMID:John, ECID:L');
    const sent = page.waitForRequest((request) => request.url().endsWith('/v1/identity/simulate'));
    await page.getByRole('button', { name: 'Simulate' }).click();
    expect((await sent).postDataJSON()).toEqual({
      namespaces: [
        { code: 'CRMID', type: 'person', unique: true },
        { code: 'Email', type: 'email', unique: true },
        { code: 'ECID', type: 'cookie', unique: false },
      ],
      events: ['CRMID:Jane, Email:jane@x.com', 'CRMID:John, Email:john@x.com', 'CRMID:Jane, ECID:L', 'CRMID:John, ECID:L'],
    });
    await waitForCount(page, '[data-testid="sim-graph"]', 2);
    await waitForCount(page, '.graph-link.removed', 1);
    expect(await page.getByTestId('sim-removed-link').textContent()).toContain('removed by event 4: CRMID:John, ECID:L');
  });

  it('fits a phone screen without sideways scrolling, and sends the API key as a Bearer token', async () => {
    const { page } = await open('#/profile/CRMID/tom-001', { width: 375, height: 740 });
    await waitForCount(page, '.graph-node', 6);
    expect(await pageScrollWidth(page)).toBeLessThanOrEqual(375);
    await page.getByText('API key', { exact: true }).first().click();
    await page.locator('#api-key').fill('secret-key');
    const authorised = page.waitForRequest((request) => request.headers().authorization === 'Bearer secret-key');
    await page.locator('#api-key').press('Enter');
    await authorised;
    expect(await sessionItem(page, 'tessera.apiKey')).toBe('secret-key');
  });
});
