import { startJongodb, type Jongodb } from '../support/jongodb';
import { eventually, startReceiver, type Receiver } from '../support/webhook-receiver';
import { startTestApp, type TestApp } from './tessera-app';

/**
 * With the read models and the destinations in MongoDB, the delivery worker thread reads the feed and stores its
 * cursors through MongoDB clients of its own: the webhooks carry the feed, in order, signed, and the cursor reaches
 * the end of the feed.
 */
let mongo: Jongodb;
let app: TestApp;
let hook: Receiver;

beforeAll(async () => {
  mongo = await startJongodb();
  hook = await startReceiver();
  app = await startTestApp({ MONGODB_URL: mongo.uri, IDENTITY_HASH_KEY: 'destinations-mongo-key-0123456', CHANGE_FEED_POLL_MS: '5' });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await hook?.close();
  await mongo?.stop();
});

it('delivers the feed from MongoDB on the worker thread, in order, and stores the cursor there', async () => {
  const put = await app.call('PUT', '/v1/destinations/mongo-sink', { body: { url: hook.url } });
  expect(put.status).toBe(200);
  let last = '';
  for (let n = 0; n < 5; n++) {
    last = await app.ingest('/v1/records', { id: `m-${n}`, source: 'crm', identities: [{ namespace: 'CRMID', id: `m-${n}` }], attributes: { n } });
  }
  await app.momentAfter(last);
  const feed = (await app.getOk('/v1/changes?limit=1000')).items as Array<{ id: string }>;
  expect(feed).toHaveLength(5);
  await hook.until(feed.length);
  expect(hook.verified(put.body.secret).map((b) => b.data)).toEqual(feed);
  const status = await eventually(async () => {
    const got = await app.getOk('/v1/destinations/mongo-sink');
    return got.lag === 0 && got;
  }, 'the cursor at the end of the feed');
  expect(status).toMatchObject({ status: 'active', lastError: null });
});
