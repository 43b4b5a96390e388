import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, waitForText } from '../support/browser';
import { startTestApp, type TestApp } from './tessera-app';

/** The viewer's computed attributes against the real service: the Computed card and the definitions page. */
describe('viewer: computed attributes (real service)', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    await app.call('PUT', '/v1/computed-attributes/spend', { body: { function: 'sum', field: 'total', eventType: 'purchase' } });
    await app.call('PUT', '/v1/computed-attributes/skus', { body: { function: 'list', field: 'sku', window: { last: '30d' } } });
    const identities = [{ namespace: 'CRMID', id: 'tom' }];
    let position = '';
    for (const [i, sku] of ['a', 'b'].entries()) {
      position = await app.ingest('/v1/events', { id: `v-${i}`, source: 'shop', type: 'purchase', timestamp: new Date(Date.now() - 1000 + i).toISOString(), identities, data: { total: 10.25, sku } });
    }
    await app.momentAfter(position);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the profile’s values in a Computed card', async () => {
    const { page, errors } = await openPage(browser, `${app.url}/#/profile/CRMID/tom`);
    await waitForText(page, 'tr[data-computed="spend"] td.value', '20.5');
    await waitForText(page, 'tr[data-computed="skus"] td.value', 'b, a');
    expect(errors).toEqual([]);
  });

  it('lists the definitions with what they compute and their status', async () => {
    const { page, errors } = await openPage(browser, `${app.url}/#/computed`);
    await waitForText(page, 'tr[data-computed-definition="spend"] td:nth-of-type(1)', 'sum(total)');
    await waitForText(page, 'tr[data-computed-definition="skus"] td:nth-of-type(4)', '30d');
    await waitForText(page, '[data-testid="status-spend"]', 'ready');
    expect(errors).toEqual([]);
  });
});
