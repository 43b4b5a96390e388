import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { startTestApp, TestApp } from './tessera-app';
import { readAfterLog, segmentCall, WRITE_KEYS } from './segment-support';

/** The real client libraries, pointed at a real Tessera by their host alone, read back through the profile API. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const LegacyAnalytics = require('analytics-node') as new (key: string, options: object) => LegacyClient;
interface LegacyClient {
  identify(message: object): void;
  track(message: object): void;
  alias(message: object): void;
  flush(): Promise<unknown>;
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ SEGMENT_WRITE_KEYS: WRITE_KEYS });
});
afterAll(() => app.close());

const sdkErrors: unknown[] = [];
afterEach(() => expect(sdkErrors.splice(0)).toEqual([]));

function segmentNode(): Analytics {
  // Long intervals and a large flushAt: nothing leaves before closeAndFlush, so the test decides when it is sent.
  const client = new Analytics({ writeKey: 'wk-node', host: app.url, flushAt: 50, flushInterval: 60_000, maxRetries: 0 });
  client.on('error', (error) => sdkErrors.push(error));
  return client;
}

describe('@segment/analytics-node 3.1.0', () => {
  it('identify and track land as one profile: traits as attributes, anonymous and known identity, typed events', async () => {
    const client = segmentNode();
    client.track({ anonymousId: 'anon-n1', event: 'Product Viewed', properties: { sku: 'A-1', price: 12.5 } });
    client.identify({ userId: 'user-n1', anonymousId: 'anon-n1', traits: { email: 'Tom@Acme.com', plan: 'pro', address: { city: 'Basel' } } });
    client.page({ userId: 'user-n1', name: 'Pricing', category: 'Docs', properties: { url: '/pricing' } });
    client.screen({ userId: 'user-n1', name: 'Home' });
    client.group({ userId: 'user-n1', groupId: 'acme', traits: { name: 'Acme', employees: 40 } });
    await client.closeAndFlush();

    const profile = await readAfterLog(app, '/v1/profiles/ECID/anon-n1');
    expect(profile.attributes).toEqual({ plan: 'pro', email: 'Tom@Acme.com', address: { city: 'Basel' }, groups: { acme: { name: 'Acme', employees: 40 } } });
    expect(profile.identities.map((i: { namespace: string; id: string }) => `${i.namespace}:${i.id}`).sort()).toEqual(['CRMID:user-n1', 'ECID:anon-n1', 'Email:tom@acme.com']);
    expect(profile.sources).toEqual(['node-server']);
    // Calls made within one millisecond share a timestamp, so their timeline order is not theirs: compare by type.
    const events = await app.getOk('/v1/profiles/CRMID/user-n1/events?order=asc');
    const byType = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(events.items.map((e: { type: string; data: object; source: string }) => [e.type, e.data, e.source]).sort(byType)).toEqual([
      ['Page Viewed', { url: '/pricing', name: 'Pricing', category: 'Docs' }, 'node-server'],
      ['Product Viewed', { sku: 'A-1', price: 12.5 }, 'node-server'],
      ['Screen Viewed', { name: 'Home' }, 'node-server'],
    ]);
  });

  it('a resent messageId is a duplicate: stored once', async () => {
    const client = segmentNode();
    const message = { userId: 'user-n2', event: 'Order Completed', messageId: 'msg-dup-1', properties: { total: 30 } };
    client.track(message);
    client.track(message);
    await client.closeAndFlush();
    const again = segmentNode();
    again.track(message);
    await again.closeAndFlush();
    const events = await readAfterLog(app, '/v1/profiles/CRMID/user-n2/events');
    expect(events.items.map((e: { id: string }) => e.id)).toEqual(['msg-dup-1']);
  });
});

describe('@rudderstack/rudder-sdk-node 3.0.13 (gzip bodies as application/x-www-form-urlencoded)', () => {
  it('posts directly (no bull queue, no redis) and lands traits, events and alias links', async () => {
    const client = new RudderAnalytics('wk-rudder', {
      dataPlaneUrl: app.url,
      flushAt: 50,
      flushInterval: 60_000,
      retryCount: 0,
      logLevel: 'error',
      errorHandler: (error: unknown) => sdkErrors.push(error),
    });
    client.identify({ userId: 'user-r1', anonymousId: 'anon-r1', traits: { firstName: 'Ada', phone: '+41 79 111 11 11' } });
    client.track({ userId: 'user-r1', event: 'Signed Up', properties: { plan: 'free' } });
    client.alias({ previousId: 'anon-r0', userId: 'user-r1' });
    await client.flush();

    const profile = await readAfterLog(app, '/v1/profiles/Phone/%2B41%2079%20111%2011%2011');
    expect(profile.attributes).toEqual({ firstName: 'Ada', phone: '+41 79 111 11 11' });
    expect(profile.sources).toEqual(['rudder-server']);
    const graph = await app.getOk('/v1/profiles/ECID/anon-r0/graph');
    const keys = graph.identities.map((i: { namespace: string; id: string }) => `${i.namespace}:${i.id}`).sort();
    expect(keys).toEqual(['CRMID:user-r1', 'ECID:anon-r0', 'ECID:anon-r1', 'Phone:+41 79 111 11 11']);
    expect(graph.links).toContainEqual(expect.objectContaining({ sources: ['rudder-server'] }));
    const events = await app.getOk('/v1/profiles/ECID/anon-r0/events');
    expect(events.items.map((e: { type: string; data: object }) => [e.type, e.data])).toEqual([['Signed Up', { plan: 'free' }]]);
  });
});

describe('legacy analytics-node 6.2.0', () => {
  it('lands identify, track and alias under its own source', async () => {
    const client = new LegacyAnalytics('wk-legacy', { host: app.url, flushAt: 50, flushInterval: 60_000, retryCount: 0, errorHandler: (e: unknown) => sdkErrors.push(e) });
    client.identify({ userId: 'user-l1', traits: { email: 'legacy@acme.com', tier: 'gold' } });
    client.track({ userId: 'user-l1', event: 'Logged In', properties: { method: 'sso' } });
    client.alias({ previousId: 'anon-l0', userId: 'user-l1' });
    await client.flush();
    await client.flush();

    const profile = await readAfterLog(app, '/v1/profiles/Email/legacy%40acme.com');
    expect(profile.attributes).toEqual({ email: 'legacy@acme.com', tier: 'gold' });
    expect(profile.sources).toEqual(['legacy-server']);
    const events = await app.getOk('/v1/profiles/ECID/anon-l0/events');
    expect(events.items.map((e: { type: string; source: string }) => [e.type, e.source])).toEqual([['Logged In', 'legacy-server']]);
  });
});

describe('clock skew (the device clock is 5 minutes ahead)', () => {
  it('stores receivedAt − (sentAt − timestamp), with the batch sentAt when the message has none', async () => {
    const before = Date.now();
    const single = await segmentCall(app, '/v1/track', {
      userId: 'user-s1', event: 'Skewed', messageId: 'skew-1', timestamp: '2030-01-01T00:05:00Z', sentAt: '2030-01-01T00:05:03Z',
    });
    const batch = await segmentCall(app, '/v1/batch', {
      sentAt: '2030-01-01T00:05:10Z',
      batch: [{ type: 'track', userId: 'user-s1', event: 'Skewed', messageId: 'skew-2', originalTimestamp: '2030-01-01T00:05:00Z' }],
    });
    const after = Date.now();
    expect([single.body, batch.body]).toEqual([{ success: true }, { success: true }]);
    const events = await readAfterLog(app, '/v1/profiles/CRMID/user-s1/events');
    const at = Object.fromEntries(events.items.map((e: { id: string; timestamp: string }) => [e.id, Date.parse(e.timestamp)]));
    expect(at['skew-1']).toBeGreaterThanOrEqual(before - 3000);
    expect(at['skew-1']).toBeLessThanOrEqual(after - 3000);
    expect(at['skew-2']).toBeGreaterThanOrEqual(before - 10_000);
    expect(at['skew-2']).toBeLessThanOrEqual(after - 10_000);
  });

  it('keeps the timestamp without sentAt', async () => {
    await segmentCall(app, '/v1/track', { userId: 'user-s2', event: 'Kept', messageId: 'keep-1', timestamp: '2024-05-01T14:00:00+02:00' });
    const events = await readAfterLog(app, '/v1/profiles/CRMID/user-s2/events');
    expect(events.items.map((e: { timestamp: string }) => e.timestamp)).toEqual(['2024-05-01T12:00:00.000Z']);
  });
});
