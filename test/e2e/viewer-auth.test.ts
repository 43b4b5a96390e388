import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { RunningApp, startApp } from '../../src/main';
import { launchBrowser, openPage, sessionItem, waitForCount, waitForText } from '../support/browser';

/**
 * With API keys configured, the page itself is public (it holds no data) and every API call it makes carries the
 * key typed into its "API key" field, kept in sessionStorage for this tab only.
 */
describe('profile viewer with API keys', () => {
  let running: RunningApp;
  let dataDir: string;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-viewer-auth-'));
    const config = await loadConfig({
      DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', API_KEYS: 'viewer-key=read',
    });
    running = await startApp(config);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the page without a key, says a key is needed, and reads the API once one is entered', async () => {
    const { page } = await openPage(browser, `${running.url}/`);
    await waitForText(page, '.browse .error', 'Send a valid API key as "Authorization: Bearer <key>" (UNAUTHENTICATED) ' +
      'Enter an API key with the read scope under "API key" above.');
    await page.getByText('API key', { exact: true }).first().click();
    await page.locator('#api-key').fill('viewer-key');
    await page.getByRole('button', { name: 'Save' }).click();
    await waitForText(page, '.browse .status', 'No profiles yet.');
    await waitForCount(page, '#search-namespace option', { min: 7 });
    expect(await sessionItem(page, 'tessera.apiKey')).toBe('viewer-key');
  });
});
