import { eventually, startReceiver, type Receiver } from '../support/webhook-receiver';
import { finished, ingestTomAndAnn, path, TOM, ANN } from './privacy/privacy-fixture';
import { startTestApp, type TestApp } from './tessera-app';

/**
 * Erasure and the feed: profile.erased is delivered, no stored item names the erased profiles any more, and a
 * destination that was failing while the erasure ran (its items queued) never receives the purged ones.
 */
describe('change feed: erasure', () => {
  let app: TestApp;
  let healthy: Receiver;
  let stalled: Receiver;
  let stalling = true;
  beforeAll(async () => {
    app = await startTestApp({ DESTINATION_RETRY_BASE_MS: '20', DESTINATION_RETRY_MAX_MS: '50', CHANGE_FEED_POLL_MS: '5' });
    healthy = await startReceiver();
    stalled = await startReceiver(() => (stalling ? 503 : 200));
    expect((await app.call('PUT', '/v1/destinations/healthy', { body: { url: healthy.url } })).status).toBe(200);
    expect((await app.call('PUT', '/v1/destinations/stalled', { body: { url: stalled.url } })).status).toBe(200);
  }, 30_000);
  afterAll(async () => {
    await app.close();
    await healthy.close();
    await stalled.close();
  });

  it('delivers profile.erased and leaves no item about the erased person anywhere', async () => {
    const last = await ingestTomAndAnn(app);
    const tom = (await app.getOk(`${path(TOM.phone)}?minPosition=${last}`)).profileId as string;
    const ann = (await app.getOk(path(ANN.crm))).profileId as string;
    const before = (await app.getOk('/v1/changes?limit=1000')).items as Array<{ id: string; profileId: string }>;
    expect(before.some((i) => i.profileId === tom)).toBe(true);
    await eventually(async () => (await app.getOk('/v1/destinations/healthy')).lag === 0, 'healthy caught up');
    await stalled.until(2);

    const queuedBefore = stalled.deliveries.length;
    const erase = await app.post('/v1/privacy/requests', { type: 'erase', identity: TOM.phone, scope: 'graph' });
    expect((await finished(app, erase.body.requestId)).status).toBe('completed');
    const after = (await app.getOk('/v1/changes?limit=1000')).items as Array<Record<string, unknown>>;
    const notices = after.filter((i) => i.type === 'profile.erased');
    const erased = notices.map((i) => i.profileId as string);
    expect(erased).toContain(tom);
    for (const id of erased) expect(after.filter((i) => JSON.stringify(i).includes(id))).toEqual([notices.find((n) => n.profileId === id)]);
    const naming = notices.filter((i) => i.profileId === tom);
    expect(after.some((i) => i.profileId === ann)).toBe(true);

    const notice = naming[0];
    // Written by the projector with the SubjectErased event, at its position: not after a checkpoint at the purge.
    expect(notice.id).toMatch(/^\d+-\d{8}$/);
    await eventually(async () => healthy.deliveries.some((d) => d.headers['webhook-id'] === notice.id), 'notice delivered');
    stalling = false;
    await eventually(async () => (await app.getOk('/v1/destinations/stalled')).lag === 0, 'stalled destination caught up');
    // Everything the stalled destination accepted (2xx) after the erasure: the purged items never, the notices yes.
    const sentAfter = stalled.deliveries.slice(queuedBefore).filter((d) => d.status === 200).map((d) => JSON.parse(d.body) as { type: string; data: { profileId: string } });
    const aboutErased = sentAfter.filter((b) => erased.some((id) => JSON.stringify(b).includes(id)));
    expect(aboutErased.length).toBeGreaterThan(0);
    expect(aboutErased.map((b) => b.type)).toEqual(erased.map(() => 'profile.erased'));
  });
});
