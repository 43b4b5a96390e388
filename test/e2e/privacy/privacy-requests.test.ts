import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLog, startTestApp, type TestApp } from '../tessera-app';
import { finished, valuesInFiles } from './privacy-fixture';

/** The request endpoints themselves: scope, validation, unknown requests, scope identity, status after a restart. */
describe('privacy requests API', () => {
  let app: TestApp;
  const key = { key: 'privacy-key' };
  beforeAll(async () => {
    app = await startTestApp({ API_KEYS: 'privacy-key=privacy;reader-key=read;ingest-key=ingest' });
  });
  afterAll(() => app.close());

  const request = { type: 'access', identity: { namespace: 'Email', id: 'zoe@x.com' }, scope: 'identity' };

  it('needs the privacy scope', async () => {
    expect((await app.post('/v1/privacy/requests', request, { key: 'reader-key' })).status).toBe(403);
    expect((await app.post('/v1/privacy/requests', request)).status).toBe(401);
    const accepted = await app.post('/v1/privacy/requests', request, key);
    expect((await app.call('GET', `/v1/privacy/requests/${accepted.body.requestId}`, { key: 'reader-key' })).status).toBe(403);
  });

  it.each<[string, unknown, number, string]>([
    ['an unknown type', { ...request, type: 'delete' }, 400, 'VALIDATION_FAILED'],
    ['no identity', { type: 'access', scope: 'graph' }, 400, 'VALIDATION_FAILED'],
    ['an unknown scope', { ...request, scope: 'everything' }, 400, 'VALIDATION_FAILED'],
    ['suppress that is not a boolean', { ...request, type: 'erase', suppress: 'yes' }, 400, 'VALIDATION_FAILED'],
    ['an unregistered namespace', { ...request, identity: { namespace: 'Nope', id: 'x' } }, 422, 'UNKNOWN_NAMESPACE'],
    ['suppress on an access request', { ...request, suppress: true }, 422, 'PRIVACY_SUPPRESS_NEEDS_ERASE'],
  ])('rejects %s', async (_, body, status, code) => {
    const reply = await app.post('/v1/privacy/requests', body, key);
    expect([reply.status, reply.body.error.code]).toEqual([status, code]);
  });

  it('answers 404 for an unknown or malformed request id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const reply = await app.call('GET', `/v1/privacy/requests/${id}`, key);
      expect([reply.status, reply.body.error.code]).toEqual([404, 'PRIVACY_REQUEST_NOT_FOUND']);
    }
  });

  it('scope identity: the export holds only that identity’s items; an unknown identity exports nothing', async () => {
    const identities = [{ namespace: 'Email', id: 'zoe@x.com' }, { namespace: 'Phone', id: '+1-555-zoe' }];
    const posted = await app.post('/v1/records', { source: 'crm', identities: [identities[1]], attributes: { a: 1 } }, { key: 'ingest-key' });
    expect(posted.status).toBe(202);
    await app.post('/v1/links', { source: 'app', identities }, { key: 'ingest-key' });
    const accepted = await app.post('/v1/privacy/requests', request, key);
    expect(accepted.status).toBe(202);
    const done = await finished(app, accepted.body.requestId, key.key);
    expect(done).toMatchObject({ status: 'completed', counts: { identities: 1, records: 0, events: 0, links: 1 } });
    expect(done.export.identities).toEqual([identities[0]]);
    const nobody = await app.post('/v1/privacy/requests', { ...request, identity: { namespace: 'Email', id: 'nobody@x.com' } }, key);
    const empty = await finished(app, nobody.body.requestId, key.key);
    expect(empty).toMatchObject({ status: 'completed', counts: { identities: 1, records: 0, events: 0, links: 0 } });
    expect(empty.export.profile).toBeNull();
  });
});

describe('erasing a person linked to nobody else', () => {
  it('needs no re-derivation of other graphs, and still removes them from every read', async () => {
    const app = await startTestApp();
    try {
      const loner = [{ namespace: 'Email', id: 'loner@x.com' }, { namespace: 'ECID', id: 'loner-cookie' }];
      const other = await app.post('/v1/records', { source: 'crm', identities: [{ namespace: 'CRMID', id: 'someone' }], attributes: { a: 1 } });
      await app.post('/v1/events', { id: 'l1', source: 'web', type: 'view', timestamp: '2026-01-01T00:00:00Z', identities: loner, data: { p: 1 } });
      const erase = await app.post('/v1/privacy/requests', { type: 'erase', identity: loner[1], scope: 'graph' });
      expect(await finished(app, erase.body.requestId)).toMatchObject({ status: 'completed', counts: { identities: 2, events: 1 } });
      const audit = (await readLog(app.store)).find((e) => e.event.type === 'SubjectErased')!;
      expect(audit.event.data).toMatchObject({ rederive: false });
      for (const identity of loner) expect((await app.call('GET', `/v1/profiles/${identity.namespace}/${identity.id}`)).status).toBe(404);
      expect((await app.call('GET', `/v1/profiles/CRMID/someone?minPosition=${other.body.position}`)).body.attributes).toEqual({ a: 1 });
    } finally {
      await app.close();
    }
  });
});

describe('erasing one identity of a graph (scope identity)', () => {
  it('removes it, its own items and what only they named; the rest of the graph stays, re-derived', async () => {
    const app = await startTestApp();
    try {
      const email = { namespace: 'Email', id: 'zed-erased-q9@x.com' };
      const device = { namespace: 'IDFA', id: 'zed-device-only-q9' };
      const crm = { namespace: 'CRMID', id: 'zed-crm' };
      // Another erasure first: the one under test is not the read models' first (none of them vacuums the file now).
      const first = await app.post('/v1/privacy/requests', { type: 'erase', identity: { namespace: 'Email', id: 'first@x.com' }, scope: 'graph' });
      expect((await finished(app, first.body.requestId)).status).toBe('completed');
      await app.post('/v1/records', { source: 'web', identities: [email, device], attributes: { nick: 'zed-nick-q9' } });
      const profile = await app.post('/v1/records', { source: 'web', identities: [email], attributes: { nick: 'zed-nick-q9', n: 2 } });
      expect((await app.call('GET', `/v1/profiles/Email/${email.id}?minPosition=${profile.body.position}`)).status).toBe(200);
      await app.post('/v1/records', { source: 'crm', identities: [crm, email], attributes: { tier: 'kept' } });
      const erase = await app.post('/v1/privacy/requests', { type: 'erase', identity: email, scope: 'identity' });
      expect(await finished(app, erase.body.requestId)).toMatchObject({ status: 'completed', counts: { identities: 1, records: 2 } });
      for (const gone of [email, device]) expect((await app.call('GET', `/v1/profiles/${gone.namespace}/${gone.id}`)).status).toBe(404);
      const kept = await app.call('GET', `/v1/profiles/CRMID/zed-crm`);
      expect(kept.body.attributes).toEqual({ tier: 'kept' });
      expect(kept.body.identities).toEqual([{ ...crm, type: 'person' }]);
      expect(valuesInFiles(app.config.dataDir, [email.id, device.id, 'zed-nick-q9'])).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('privacy requests across a restart', () => {
  it('keeps the status of finished requests (the export itself lives in memory only)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-privacy-restart-'));
    const first = await startTestApp({ DATA_DIR: dataDir });
    const accepted = await first.post('/v1/privacy/requests', { type: 'access', identity: { namespace: 'Email', id: 'a@x.com' }, scope: 'graph' });
    const done = await finished(first, accepted.body.requestId);
    await first.close();
    const second = await startTestApp({ DATA_DIR: dataDir });
    try {
      const reply = await second.call('GET', `/v1/privacy/requests/${accepted.body.requestId}`);
      expect(reply.body).toEqual({ requestId: done.requestId, type: 'access', status: 'completed', createdAt: expect.any(String), completedAt: expect.any(String), counts: done.counts });
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
