import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { loadConfig } from '../../src/config';
import { AppModule } from '../../src/app.module';
import { readLog, startTestApp } from './tessera-app';
import { finished, valuesInFiles } from './privacy/privacy-fixture';
import { basic, readAfterLog, segmentCall } from './segment-support';

/** SEGMENT_WRITE_KEYS and SEGMENT_NAMESPACES at start, and what a write key does (and does not) grant. */
describe('the start-up check of SEGMENT_NAMESPACES against the identity settings', () => {
  it('refuses to start when a mapped namespace is not registered, naming it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tessera-segment-'));
    const config = await loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, SEGMENT_WRITE_KEYS: 'wk=web', SEGMENT_NAMESPACES: 'email=Mail' });
    // The app as createApp builds it, held here so the half-started app can be closed after the refusal.
    const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), { logger: false, abortOnError: false });
    try {
      await expect(app.init()).rejects.toThrow(/SEGMENT_NAMESPACES maps email to Mail, which the identity settings do not register/);
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('maps identifiers to the configured namespaces', async () => {
    const app = await startTestApp({ SEGMENT_WRITE_KEYS: 'wk=crm-web', SEGMENT_NAMESPACES: 'userId=loginID,email=' });
    try {
      const reply = await segmentCall(app, '/v1/identify', { userId: 'login-7', traits: { email: 'x@y.z', tier: 1 }, messageId: 'c1' }, 'wk');
      expect(reply.body).toEqual({ success: true });
      const profile = await readAfterLog(app, '/v1/profiles/loginID/login-7');
      expect([profile.identities.map((i: { namespace: string }) => i.namespace), profile.attributes]).toEqual([['loginID'], { email: 'x@y.z', tier: 1 }]);
    } finally {
      await app.close();
    }
  });
});

describe('write keys grant ingestion under their source, nothing else', () => {
  it('without SEGMENT_WRITE_KEYS every Segment call is 401, even on loopback without API keys', async () => {
    const app = await startTestApp();
    try {
      const reply = await segmentCall(app, '/v1/track', { userId: 'u', event: 'e' }, 'anything');
      expect([reply.status, reply.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    } finally {
      await app.close();
    }
  });

  it('a write key is no API key, and an API key is no write key', async () => {
    const app = await startTestApp({ HOST: '127.0.0.1', API_KEYS: 'ak-ingest=ingest,read', SEGMENT_WRITE_KEYS: 'wk=web' });
    try {
      expect((await app.call('GET', '/v1/profiles?limit=1', { key: 'wk' })).status).toBe(401);
      expect((await app.post('/v1/events', { id: 'e', source: 's', type: 't', timestamp: '2024-05-01T00:00:00Z', identities: [{ namespace: 'ECID', id: '1' }] }, { key: 'wk' })).status).toBe(401);
      expect((await segmentCall(app, '/v1/track', { userId: 'u', event: 'e' }, 'ak-ingest')).status).toBe(401);
      const stored = await fetch(`${app.url}/v1/track`, {
        method: 'POST',
        headers: { authorization: basic('wk'), 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'u-auth', event: 'e', messageId: 'auth-1' }),
      });
      expect(await stored.json()).toEqual({ success: true });
    } finally {
      await app.close();
    }
  });
});

describe('ingestion\'s privacy rules hold for Segment messages (one write path)', () => {
  it('an erased and suppressed e-mail is dropped from later messages, and what lands is sealed in the log', async () => {
    const app = await startTestApp({ SEGMENT_WRITE_KEYS: 'wk=web' });
    try {
      await segmentCall(app, '/v1/identify', { userId: 'gone-1', traits: { email: 'erase-me-qz@example.com' }, messageId: 'p1' }, 'wk');
      const erase = await app.post('/v1/privacy/requests', { type: 'erase', identity: { namespace: 'Email', id: 'erase-me-qz@example.com' }, scope: 'graph', suppress: true });
      expect((await finished(app, erase.body.requestId)).status).toBe('completed');
      const again = await segmentCall(app, '/v1/identify', { userId: 'back-2', traits: { email: 'erase-me-qz@example.com', plan: 'x' }, messageId: 'p2' }, 'wk');
      expect(again.body).toEqual({ success: true });
      const profile = await readAfterLog(app, '/v1/profiles/CRMID/back-2');
      expect(profile.identities.map((i: { namespace: string }) => i.namespace)).toEqual(['CRMID']);
      // The log's files hold the new user id only sealed (the read models hold it, in their own file).
      expect(JSON.stringify(await readLog(app.store))).toContain('back-2');
      const found = valuesInFiles(app.config.dataDir, ['back-2']).map((f) => f.file);
      expect(found.filter((file) => file.startsWith('events'))).toEqual([]);
      expect(found.length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
