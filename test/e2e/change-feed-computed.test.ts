import type { ChangeItem } from '../../projections/change-feed';
import { clockPast, startTestApp, until, type TestApp } from './tessera-app';

/**
 * computed.changed (API.md "Change feed and destinations": `"name", "value"`): written by the projector with the
 * values it describes. A batch item's changes take its log position; a lapse, a backfill step and a re-derivation
 * write theirs after the checkpoint, in the commit that writes the values.
 */
describe('change feed: computed.changed', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ CHANGE_FEED_POLL_MS: '5' });
  });
  afterAll(() => app.close());

  const crm = (id: string) => ({ namespace: 'CRMID', id });
  const cookie = (id: string) => ({ namespace: 'ECID', id });
  const purchase = (id: string, who: string, total: number, identity = crm(who)) => ({
    id, source: 'shop', type: 'purchase', timestamp: '2024-05-01T12:00:00Z', identities: [identity], data: { total, sku: `sku-${total}` },
  });
  const feedAfter = async (from: string | undefined): Promise<ChangeItem[]> => (await app.getOk(`/v1/changes?limit=1000&from=${from ?? ''}`)).items;
  const last = async () => (await app.getOk('/v1/changes?limit=1000')).items.at(-1)?.id as string | undefined;
  const computedOnly = (items: ChangeItem[]) => items.filter((i) => i.type === 'computed.changed').map(({ profileId, name, value }) => ({ profileId, name, value }));

  it('an event that counts changes the value, named with its new value, right after the profile item of that entry', async () => {
    await app.call('PUT', '/v1/computed-attributes/spend', { body: { function: 'sum', field: 'total', eventType: 'purchase' } });
    await app.call('PUT', '/v1/computed-attributes/orders', { body: { function: 'count', eventType: 'purchase' } });
    const start = await last();
    await app.ingest('/v1/events', purchase('cc-1', 'ann', 10));
    await app.ingest('/v1/events', { id: 'cc-2', source: 'web', type: 'view', timestamp: '2024-05-01T12:00:00Z', identities: [crm('ann')], data: {} });
    const position = await app.ingest('/v1/events', purchase('cc-3', 'ann', 5));
    await app.momentAfter(position);
    const items = await feedAfter(start);
    const ann = items[0].profileId;
    expect(items.map((i) => i.type)).toEqual(['profile.created', 'computed.changed', 'computed.changed', 'computed.changed', 'computed.changed']);
    expect(items[1].id.split('-')[0]).toBe(items[0].id.split('-')[0]);
    expect(computedOnly(items)).toEqual([
      { profileId: ann, name: 'orders', value: 1 },
      { profileId: ann, name: 'spend', value: 10 },
      { profileId: ann, name: 'orders', value: 2 },
      { profileId: ann, name: 'spend', value: 15 },
    ]);
    expect((await app.getOk('/v1/profiles/CRMID/ann')).computed).toEqual({ spend: 15, orders: 2 });
  });

  it('a merge reports the values of the profile that holds both now', async () => {
    await app.ingest('/v1/events', purchase('cc-4', '', 7, cookie('c-ann')));
    const start = await last();
    const joined = await app.ingest('/v1/links', { source: 'web', identities: [crm('ann'), cookie('c-ann')] });
    await app.momentAfter(joined);
    const items = await feedAfter(start);
    const merged = items.find((i) => i.type === 'profile.merged')!;
    expect(computedOnly(items.filter((i) => i.id > merged.id))).toEqual([
      { profileId: merged.profileId, name: 'orders', value: 3 },
      { profileId: merged.profileId, name: 'spend', value: 22 },
    ]);
  });

  it('a new definition’s backfill reports each profile whose value is not the zero value', async () => {
    const start = await last();
    await app.call('PUT', '/v1/computed-attributes/biggest', { body: { function: 'max', field: 'total', eventType: 'purchase' } });
    const items = await until(() => feedAfter(start), (got) => got.length >= 1, 10_000);
    expect(computedOnly(items)).toEqual([{ profileId: expect.any(String), name: 'biggest', value: 10 }]);
    expect(items[0].id).toMatch(/-e\d{21}$/);
  });

  it('a window that lapses writes its change at the lapse, after the checkpoint', async () => {
    await app.call('PUT', '/v1/computed-attributes/recent', { body: { function: 'count', eventType: 'ping', window: { last: '1s' } } });
    const at = Date.now();
    const position = await app.ingest('/v1/events', { id: 'cc-5', source: 'web', type: 'ping', timestamp: new Date(at).toISOString(), identities: [crm('cyd')], data: {} });
    await app.momentAfter(position);
    const start = await last();
    await clockPast(at + 1_000);
    const items = await until(() => feedAfter(start), (got) => got.some((i) => i.type === 'computed.changed'), 5_000);
    const lapse = items.find((i) => i.type === 'computed.changed')!;
    expect(lapse).toMatchObject({ name: 'recent', value: 0, at: new Date(at + 1_000).toISOString() });
    expect(lapse.id).toMatch(/-e\d{21}$/);
  });

  it('an erasure of one identity of a profile that stays withdraws the values its computed.changed items carried', async () => {
    await app.call('PUT', '/v1/computed-attributes/pages', { body: { function: 'list', field: 'page' } });
    const view = (id: string, identity: { namespace: string; id: string }, page: string) => ({ id, source: 'web', type: 'view', timestamp: '2024-05-01T12:00:00Z', identities: [identity], data: { page } });
    await app.ingest('/v1/events', view('cc-6', crm('dee'), '/public'));
    await app.ingest('/v1/events', view('cc-7', cookie('c-dee'), '/secret-page-dee'));
    const joined = await app.ingest('/v1/links', { source: 'web', identities: [crm('dee'), cookie('c-dee')] });
    await app.momentAfter(joined);
    const dee = (await app.getOk('/v1/profiles/CRMID/dee')).profileId as string;
    const before = (await feedAfter(undefined)).filter((i) => i.profileId === dee && i.type === 'computed.changed' && i.name === 'pages');
    expect(JSON.stringify(before)).toContain('/secret-page-dee');
    const erase = await app.post('/v1/privacy/requests', { type: 'erase', identity: cookie('c-dee'), scope: 'identity' });
    await until(async () => (await app.getOk(`/v1/privacy/requests/${erase.body.requestId}`)).status, (status) => status === 'completed', 15_000);
    const after = (await feedAfter(undefined)).filter((i) => i.profileId === dee && i.type === 'computed.changed');
    const kept = after.filter((i) => before.some((b) => b.id === i.id));
    expect(kept.map((i) => i.id)).toEqual(before.map((i) => i.id));
    expect(kept.every((i) => !('value' in i))).toBe(true);
    // What the erasure's re-derivation wrote afterwards is the profile without the cookie.
    expect(after.filter((i) => i.name === 'pages' && 'value' in i).at(-1)?.value).toEqual(['/public']);
    expect(JSON.stringify(await feedAfter(undefined))).not.toContain('/secret-page-dee');
  });
});
