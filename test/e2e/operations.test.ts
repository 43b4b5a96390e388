import { Module, OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '../../src/health/readiness.registry';
import { startTestApp, TestApp } from './tessera-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('operations endpoints', () => {
  it('GET /v1/health reports the event store up with its head position, and the key store up', async () => {
    const res = await app.call('GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up', head: null }, keyStore: { status: 'up' } } });
  });

  it('GET /metrics counts ingested items by kind and status and times requests by route pattern', async () => {
    await app.post('/v1/events', { id: 'm1', source: 'web', type: 'v', timestamp: '2024-01-01T00:00:00Z', identities: [{ namespace: 'ECID', id: 'm' }] });
    await app.post('/v1/events', { id: 'm1', source: 'web', type: 'v', timestamp: '2024-01-01T00:00:00Z', identities: [{ namespace: 'ECID', id: 'm' }] });
    await app.post('/v1/records', { source: 'crm', identities: [{ namespace: 'Nope', id: 'x' }], attributes: {} });
    const res = await app.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toContain('tessera_ingest_items_total{kind="event",status="accepted"} 1');
    expect(res.text).toContain('tessera_ingest_items_total{kind="event",status="duplicate"} 1');
    expect(res.text).toContain('tessera_ingest_items_total{kind="record",status="rejected"} 1');
    expect(res.text).toMatch(/tessera_http_request_duration_seconds_count\{method="POST",route="\/v1\/events",status="202"\} 2/);
  });

  it('serves the OpenAPI document with every ingestion and settings route, and the UI at /docs', async () => {
    const doc = await app.call('GET', '/docs-json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/records', '/v1/events', '/v1/links', '/v1/ingest', '/v1/identity/settings', '/v1/health', '/metrics']),
    );
    const ui = await app.call('GET', '/docs');
    expect(ui.headers.get('content-type')).toContain('text/html');
    expect((await app.call('GET', '/docs/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('answers unknown routes and methods with the error body', async () => {
    const res = await app.call('GET', '/v1/nothing-here');
    expect([res.status, res.body.error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
    const wrongMethod = await app.call('DELETE', '/v1/records');
    expect([wrongMethod.status, wrongMethod.body.error.code, wrongMethod.headers.get('allow')]).toEqual([405, 'METHOD_NOT_ALLOWED', 'POST']);
  });
});

describe('readiness extension point', () => {
  it('a module-registered check that fails makes /v1/health a 503 NOT_READY naming it', async () => {
    @Module({})
    class LaggingIndexModule implements OnModuleInit {
      constructor(private readonly readiness: ReadinessRegistry) {}
      onModuleInit(): void {
        this.readiness.register('searchIndex', async () => {
          throw new Error('search index is 5000 events behind');
        });
      }
    }
    const lagging = await startTestApp({}, { modules: [LaggingIndexModule] });
    try {
      const res = await lagging.call('GET', '/v1/health');
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({
        code: 'NOT_READY',
        message: expect.any(String),
        details: expect.arrayContaining([{ path: 'searchIndex', message: 'search index is 5000 events behind' }]),
      });
    } finally {
      await lagging.close();
    }
  });
});
