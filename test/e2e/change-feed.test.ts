import { Writable } from 'node:stream';
import pino from 'pino';
import { startReceiver, eventually, type Receiver } from '../support/webhook-receiver';
import { startTestApp, type TestApp } from './tessera-app';

/** The change feed and webhook destinations through the real service, with real receivers on 127.0.0.1. */
const FAST_RETRY = { DESTINATION_RETRY_BASE_MS: '20', DESTINATION_RETRY_MAX_MS: '100', CHANGE_FEED_POLL_MS: '5' };

const record = (id: string, crm: string, attributes: Record<string, unknown>, extra: Array<{ namespace: string; id: string }> = []) => ({
  id,
  source: 'crm',
  timestamp: '2024-05-01T12:00:00Z',
  identities: [{ namespace: 'CRMID', id: crm }, ...extra],
  attributes,
});

// Delivery on its worker thread (the default) and on the main event loop (DESTINATION_DELIVERY=inline) keep the
// same promises.
describe.each(['worker', 'inline'])('change feed and destinations, delivering on the %s', (delivery) => {
  let app: TestApp;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    app = await startTestApp({ ...FAST_RETRY, DESTINATION_DELIVERY: delivery });
  });
  afterAll(async () => {
    await app.close();
    await Promise.all(receivers.map((r) => r.close()));
  });
  const receiver = async (answer?: () => number) => {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  };
  const lastChange = async () => (await app.getOk('/v1/changes?limit=1000')).items.at(-1)?.id as string | undefined;

  it('signs every delivery per Standard Webhooks; the feed and the webhooks tell the same story, in order', async () => {
    const hook = await receiver();
    const put = await app.call('PUT', '/v1/destinations/crm-sync', { body: { url: hook.url } });
    expect(put.status).toBe(200);
    expect(put.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const start = await lastChange();
    await app.ingest('/v1/records', record('r1', 'ada', { tier: 'gold' }));
    await app.ingest('/v1/records', record('r2', 'ada', { tier: 'platinum' }));
    const cookie = { namespace: 'ECID', id: 'c-1' };
    await app.ingest('/v1/events', { id: 'e1', source: 'web', type: 'view', timestamp: '2024-05-01T12:00:00Z', identities: [cookie] });
    await app.ingest('/v1/links', { source: 'crm', identities: [{ namespace: 'CRMID', id: 'ada' }, { namespace: 'Email', id: 'ada@x.io' }] });
    await app.ingest('/v1/links', { source: 'web', identities: [cookie, { namespace: 'Email', id: 'ada@x.io' }] });
    // CRMID is unique: bob's record takes the e-mail (and the cookie behind it) from ada's profile into his own.
    const last = await app.ingest('/v1/records', record('r3', 'bob', { tier: 'silver' }, [{ namespace: 'Email', id: 'ada@x.io' }]));
    await app.momentAfter(last);
    const feed = (await app.getOk(`/v1/changes?from=${start ?? ''}`)).items;
    expect(feed.map((i: { type: string }) => i.type)).toEqual([
      'profile.created', 'profile.updated', 'profile.created', 'profile.updated', 'profile.merged', 'profile.split', 'profile.created',
    ]);
    const [ada, , cookieProfile, , merged, split, bob] = feed;
    expect(feed[1]).toMatchObject({ profileId: ada.profileId, changed: ['attributes'] });
    expect(feed[3]).toMatchObject({ profileId: ada.profileId, changed: ['identities'] });
    expect(merged).toMatchObject({ profileId: ada.profileId, mergedFrom: [cookieProfile.profileId] });
    expect(split).toMatchObject({ profileId: ada.profileId, into: [ada.profileId, bob.profileId].sort() });
    // Profile and change ids are keyed hashes (base64url) that may spell "ada" by chance: leave them out of the search.
    const withoutIds = feed.map(({ id, profileId, mergedFrom, into, ...rest }: Record<string, unknown>) => rest);
    expect(JSON.stringify(withoutIds)).not.toMatch(/ada|bob|gold|platinum|silver/);
    await hook.until(feed.length);
    const bodies = hook.verified(put.body.secret);
    expect(bodies.map((b) => b.data)).toEqual(feed);
    expect(hook.deliveries.map((d) => d.headers['webhook-id'])).toEqual(feed.map((i: { id: string }) => i.id));
    const status = await eventually(async () => {
      const got = await app.getOk('/v1/destinations/crm-sync');
      return got.lag === 0 && got;
    }, 'lag 0');
    expect(status).toMatchObject({ id: 'crm-sync', url: hook.url, status: 'active', enabled: true, lastError: null });
    expect(status.secret).toBeUndefined();
    expect(JSON.stringify((await app.getOk('/v1/destinations')).items)).not.toContain(put.body.secret);
    const again = await app.call('PUT', '/v1/destinations/crm-sync', { body: { url: hook.url, types: ['profile.merged'] } });
    expect(again.body.secret).toBeUndefined();
  });

  it('an operator unmerge (link rejection) re-derives the graph and the feed tells the split', async () => {
    const crm = { namespace: 'CRMID', id: 'rej-1' };
    const email = { namespace: 'Email', id: 'rej-1@x.io' };
    await app.ingest('/v1/records', { id: 'rej-a', source: 'crm', identities: [crm], attributes: { a: 1 } });
    await app.ingest('/v1/records', { id: 'rej-b', source: 'web', identities: [email], attributes: { b: 1 } });
    const linked = await app.ingest('/v1/links', { source: 'web', identities: [crm, email] });
    await app.momentAfter(linked);
    const start = await lastChange();
    const rejection = await app.post('/v1/identity/link-rejections', { from: crm, to: email, reason: 'not the same person' });
    expect(rejection.status).toBe(201);
    await app.momentAfter(rejection.body.position);
    const changes = (await app.getOk(`/v1/changes?from=${start}`)).items;
    const crmProfile = (await app.getOk('/v1/profiles/CRMID/rej-1')).profileId;
    const emailProfile = (await app.getOk(`/v1/profiles/Email/${encodeURIComponent('rej-1@x.io')}`)).profileId;
    expect(changes).toEqual([
      expect.objectContaining({ type: 'profile.split', profileId: crmProfile, into: [crmProfile, emailProfile].sort() }),
      expect.objectContaining({ type: 'profile.created', profileId: emailProfile }),
    ]);
  });

  it('audience transitions caused by items come in the feed right after the profile items of the same item', async () => {
    const defined = await app.call('PUT', '/v1/audiences/gold', { body: { name: 'Gold', condition: { attribute: 'tier', op: 'eq', value: 'gold-aud' } } });
    expect(defined.status).toBe(200);
    await app.momentAfter(defined.body.position);
    const start = await lastChange();
    await app.ingest('/v1/records', record('aud-1', 'aud-1', { tier: 'gold-aud' }));
    await app.momentAfter(await app.ingest('/v1/records', { ...record('aud-2', 'aud-1', { tier: 'silver' }), timestamp: '2024-05-02T12:00:00Z' }));
    const changes = (await app.getOk(`/v1/changes?from=${start}`)).items;
    expect(changes.map((c: { type: string }) => c.type)).toEqual(['profile.created', 'audience.entered', 'profile.updated', 'audience.exited']);
    expect(changes[1]).toMatchObject({ audienceId: 'gold', profileId: changes[0].profileId, at: changes[0].at });
    expect(changes[3]).toMatchObject({ audienceId: 'gold', profileId: changes[0].profileId });
  });

  it('a lapsing window exits a profile, and a new definition enters existing ones: both in the feed', async () => {
    const seen = await app.call('PUT', '/v1/audiences/seen_now', { body: { name: 'Seen now', condition: { event: { type: 'ping' }, window: { last: '2s' } } } });
    expect(seen.status).toBe(200);
    await app.momentAfter(seen.body.position);
    const start = await lastChange();
    await app.ingest('/v1/events', { id: 'lapse-1', source: 'web', type: 'ping', timestamp: new Date().toISOString(), identities: [{ namespace: 'CRMID', id: 'lapse-1' }] });
    const items = await eventually(async () => {
      const got = (await app.getOk(`/v1/changes?from=${start}`)).items as Array<{ type: string; audienceId?: string; profileId: string }>;
      return got.some((i) => i.type === 'audience.exited') && got;
    }, 'the lapse exit', 15_000);
    expect(items.map((i) => i.type)).toEqual(['profile.created', 'audience.entered', 'audience.exited']);
    expect(new Set(items.map((i) => i.profileId)).size).toBe(1);
    const after = items[2];
    const existing = await app.call('PUT', '/v1/audiences/tier_known', { body: { name: 'Tier known', condition: { attribute: 'tier', op: 'exists' } } });
    expect(existing.status).toBe(200);
    const entered = await eventually(async () => {
      const got = (await app.getOk(`/v1/changes?from=${(after as unknown as { id: string }).id}&types=audience.entered`)).items as Array<{ audienceId: string }>;
      return got.some((i) => i.audienceId === 'tier_known') && got;
    }, 'backfill entries', 15_000);
    expect(entered.every((i) => i.audienceId === 'tier_known')).toBe(true);
  });

  it('pages by exclusive cursor and filters by type; bad cursors, limits and types are 400s', async () => {
    const all = (await app.getOk('/v1/changes?limit=1000')).items;
    const page = await app.getOk(`/v1/changes?from=${all[0].id}&limit=2`);
    expect(page.items).toEqual(all.slice(1, 3));
    expect(page.next).toBe(all[2].id);
    const merged = (await app.getOk('/v1/changes?types=profile.merged,profile.split')).items;
    expect(merged.length).toBeGreaterThan(0);
    expect(merged.every((i: { type: string }) => ['profile.merged', 'profile.split'].includes(i.type))).toBe(true);
    for (const [query, code] of [['from=nope', 'CHANGE_CURSOR_INVALID'], ['limit=0', 'LIMIT_INVALID'], ['types=profile.deleted', 'CHANGE_TYPE_UNKNOWN']]) {
      const reply = await app.call('GET', `/v1/changes?${query}`);
      expect({ query, status: reply.status, code: reply.body.error?.code }).toEqual({ query, status: 400, code });
    }
  });

  it('refuses destinations that are not http(s), unknown types and malformed ids, storing nothing', async () => {
    for (const body of [{ url: 'ftp://127.0.0.1/x' }, { url: 'not a url' }, { url: 'http://127.0.0.1/x', types: ['profile.deleted'] }, { url: 'http://127.0.0.1/x', extra: 1 }, {}]) {
      const reply = await app.call('PUT', '/v1/destinations/bad', { body });
      expect({ body, status: reply.status, code: reply.body.error?.code }).toEqual({ body, status: 422, code: 'DESTINATION_INVALID' });
    }
    expect((await app.call('PUT', '/v1/destinations/a%20b', { body: { url: 'http://127.0.0.1/x' } })).status).toBe(400);
    expect((await app.call('GET', '/v1/destinations/bad')).status).toBe(404);
    expect((await app.call('POST', '/v1/destinations/crm-sync/replay', { body: { from: 'zzz' } })).body.error.code).toBe('CHANGE_CURSOR_INVALID');
  });

  it('a receiver that always answers 500 retries under the same webhook-id and never delays a healthy one', async () => {
    const broken = await receiver(() => 500);
    const healthy = await receiver();
    await app.call('PUT', '/v1/destinations/broken', { body: { url: broken.url } });
    await app.call('PUT', '/v1/destinations/healthy', { body: { url: healthy.url } });
    for (let n = 0; n < 5; n++) await app.ingest('/v1/records', record(`iso-${n}`, `iso-${n}`, { n }));
    await healthy.until(5);
    await broken.until(3);
    const healthyStatus = await eventually(async () => {
      const got = await app.getOk('/v1/destinations/healthy');
      return got.lag === 0 && got;
    }, 'healthy lag 0');
    expect(healthyStatus.status).toBe('active');
    const brokenStatus = await app.getOk('/v1/destinations/broken');
    expect(brokenStatus).toMatchObject({ status: 'retrying', lastError: 'HTTP 500', lastDeliveredAt: null });
    expect(brokenStatus.lag).toBeGreaterThanOrEqual(5);
    expect(new Set(broken.deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/tessera_destination_retried_total\{destination="broken"\} [1-9]/);
    expect(metrics).toMatch(/tessera_destination_delivered_total\{destination="healthy"\} 5/);
    expect((await app.call('DELETE', '/v1/destinations/broken')).status).toBe(200);
  });

  it('410 disables a destination; replay re-sends from a feed position, in order', async () => {
    const gone = await receiver(() => 410);
    await app.call('PUT', '/v1/destinations/gone', { body: { url: gone.url } });
    await app.ingest('/v1/records', record('gone-1', 'gone-1', { a: 1 }));
    await eventually(async () => (await app.getOk('/v1/destinations/gone')).status === 'disabled', 'disabled by 410');
    expect(gone.deliveries).toHaveLength(1);
    const replayTo = await receiver();
    await app.call('PUT', '/v1/destinations/replayed', { body: { url: replayTo.url } });
    const all = (await app.getOk('/v1/changes?limit=1000')).items;
    const from = all[all.length - 3].id;
    expect((await app.post('/v1/destinations/replayed/replay', { from })).status).toBe(200);
    await replayTo.until(2);
    expect(replayTo.deliveries.map((d) => d.headers['webhook-id'])).toEqual(all.slice(-2).map((i: { id: string }) => i.id));
  });
});

describe('change feed and destinations: scopes and logs', () => {
  let app: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
    app = await startTestApp({ API_KEYS: 'reader-key=read;admin-key=admin', ...FAST_RETRY }, { logger: pino({ level: 'trace' }, sink) });
  });
  afterAll(() => app.close());

  it('never logs a destination secret or its URL, also when deliveries fail and it is disabled', async () => {
    const gone = await startReceiver(() => 410);
    try {
      const withCredentials = gone.url.replace('http://', 'http://user:pw-secret-77@');
      expect((await app.call('PUT', '/v1/destinations/logged', { body: { url: withCredentials }, key: 'admin-key' })).status).toBe(422);
      const url = `${gone.url}?token=tok-secret-88`;
      const put = await app.call('PUT', '/v1/destinations/logged', { body: { url }, key: 'admin-key' });
      expect((await app.call('POST', '/v1/records', { body: record('log-1', 'log-1', { a: 1 }), key: 'admin-key' })).status).toBe(202);
      await eventually(async () => (await app.call('GET', '/v1/destinations/logged', { key: 'admin-key' })).body.status === 'disabled', 'disabled');
      const log = lines.join('');
      expect(log).toContain('destination logged disabled');
      for (const secret of [put.body.secret, put.body.secret.slice(6), 'pw-secret-77', 'tok-secret-88', gone.url]) expect(log).not.toContain(secret);
    } finally {
      await gone.close();
    }
  });

  it('only admin manages destinations; read reads the feed; no key is 401', async () => {
    const body = { url: 'http://127.0.0.1:9/hook' };
    expect((await app.call('PUT', '/v1/destinations/d', { body, key: 'reader-key' })).body.error.code).toBe('FORBIDDEN_SCOPE');
    expect((await app.call('GET', '/v1/destinations', { key: 'reader-key' })).status).toBe(403);
    expect((await app.call('PUT', '/v1/destinations/d', { body })).status).toBe(401);
    expect((await app.call('PUT', '/v1/destinations/d', { body, key: 'admin-key' })).status).toBe(200);
    expect((await app.call('GET', '/v1/changes', { key: 'reader-key' })).status).toBe(200);
    expect((await app.call('GET', '/v1/changes')).status).toBe(401);
    expect((await app.call('GET', '/v1/changes/stream')).status).toBe(401);
  });
});

describe('destinations: an instance that does not deliver', () => {
  it('with DESTINATION_DELIVERY=off manages destinations but sends nothing; the lag shows what waits', async () => {
    const app = await startTestApp({ DESTINATION_DELIVERY: 'off' });
    const hook = await startReceiver();
    try {
      expect((await app.call('PUT', '/v1/destinations/elsewhere', { body: { url: hook.url } })).status).toBe(200);
      await app.momentAfter(await app.ingest('/v1/records', record('off-1', 'off-1', { a: 1 })));
      expect(await app.getOk('/v1/destinations/elsewhere')).toMatchObject({ status: 'active', lag: 1, lastDeliveredAt: null });
      expect(hook.deliveries).toEqual([]);
    } finally {
      await app.close();
      await hook.close();
    }
  });
});
