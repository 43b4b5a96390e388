import { subjectStream } from '../../src/identity/subject-stream';
import { readLog, startTestApp, TestApp } from './tessera-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const stream = (namespace: string, id: string) => subjectStream(app.config.identityHashKey!, { namespace, id });
const logged = async (position: string) => (await readLog(app.store)).find((e) => e.position === position)!;

describe('POST /v1/records', () => {
  it('stores a normalised record in the stream of its marked primary identity', async () => {
    const res = await app.post('/v1/records', {
      id: 'crm-1',
      source: 'crm',
      timestamp: '2024-05-01T14:00:00+02:00',
      identities: [{ namespace: 'CRMID', id: ' C-1 ' }, { namespace: 'Email', id: ' Tom@ACME.com ', primary: true }],
      attributes: { firstName: 'Tom', address: { city: 'Basel' } },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: 'crm-1', position: expect.any(String) });
    const event = await logged(res.body.position);
    expect(event.stream).toBe(stream('Email', 'tom@acme.com'));
    expect(event.event).toEqual({
      type: 'RecordIngested',
      data: {
        itemId: 'crm-1',
        source: 'crm',
        timestamp: '2024-05-01T12:00:00.000Z',
        identities: [{ namespace: 'CRMID', id: 'C-1' }, { namespace: 'Email', id: 'tom@acme.com' }],
        primary: { namespace: 'Email', id: 'tom@acme.com' },
        attributes: { firstName: 'Tom', address: { city: 'Basel' } },
      },
    });
  });

  it('generates an id and takes now as the timestamp when absent; primary is then the highest priority', async () => {
    const before = Date.now();
    const res = await app.post('/v1/records', {
      source: 'loyalty',
      identities: [{ namespace: 'ECID', id: 'c-9' }, { namespace: 'loginID', id: 'tom9' }],
      attributes: {},
    });
    expect(res.status).toBe(202);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const event = await logged(res.body.position);
    expect(event.stream).toBe(stream('loginID', 'tom9'));
    const data = event.event.data as { timestamp: string };
    expect(Date.parse(data.timestamp)).toBeGreaterThanOrEqual(before - 1);
  });

  it('drops blocked values with a warning and keeps the rest', async () => {
    const res = await app.post('/v1/records', {
      source: 'crm',
      identities: [{ namespace: 'Email', id: 'NULL' }, { namespace: 'Phone', id: '+41 79 000 00 00' }],
      attributes: { a: 1 },
    });
    expect(res.status).toBe(202);
    expect(res.body.warnings).toEqual([expect.objectContaining({ code: 'BLOCKED_VALUE_DROPPED', path: 'identities[0]' })]);
    expect(JSON.stringify(res.body)).not.toContain('NULL');
    const event = await logged(res.body.position);
    expect((event.event.data as { identities: unknown }).identities).toEqual([{ namespace: 'Phone', id: '+41 79 000 00 00' }]);
  });
});

describe('POST /v1/events and /v1/links', () => {
  it('stores an event in the stream of its highest-priority identity, whatever is marked', async () => {
    const res = await app.post('/v1/events', {
      id: 'e-1',
      source: 'web',
      type: 'pageView',
      timestamp: '2024-05-01T12:00:00Z',
      identities: [{ namespace: 'ECID', id: '111' }, { namespace: 'Email', id: 'A@B.CH', primary: true }, { namespace: 'CRMID', id: 'X' }],
      data: { url: '/pricing' },
    });
    expect(res.status).toBe(202);
    const event = await logged(res.body.position);
    expect(event.stream).toBe(stream('CRMID', 'X'));
    expect(event.event.type).toBe('ExperienceEventIngested');
    expect(event.event.data).toMatchObject({ type: 'pageView', primary: { namespace: 'CRMID', id: 'X' }, data: { url: '/pricing' } });
  });

  it('stores a link in the stream of its highest-priority identity', async () => {
    const res = await app.post('/v1/links', {
      source: 'crm',
      identities: [{ namespace: 'ECID', id: '222' }, { namespace: 'Phone', id: '+1 555' }],
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), position: expect.any(String) });
    const event = await logged(res.body.position);
    expect(event.stream).toBe(stream('Phone', '+1 555'));
    expect(event.event.type).toBe('LinkObserved');
  });
});

describe('idempotency', () => {
  it('the same id from the same source is acknowledged as a duplicate with the original position', async () => {
    const event = { id: 'dup-1', source: 'web', type: 'click', timestamp: '2024-05-01T12:00:00Z', identities: [{ namespace: 'ECID', id: 'd1' }] };
    const first = await app.post('/v1/events', event);
    const head = await app.store.headPosition();
    const again = await app.post('/v1/events', event);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ id: 'dup-1', position: first.body.position, duplicate: true });
    expect(await app.store.headPosition()).toBe(head);
    const other = await app.post('/v1/events', { ...event, source: 'app' });
    expect(other.body.duplicate).toBeUndefined();
    expect(other.body.position).not.toBe(first.body.position);
  });

  it('records with a client id are idempotent too', async () => {
    const record = { id: 'r-dup', source: 'crm', identities: [{ namespace: 'CRMID', id: 'R' }], attributes: { a: 1 } };
    const first = await app.post('/v1/records', record);
    const again = await app.post('/v1/records', { ...record, timestamp: '2030-01-01T00:00:00Z' });
    expect(again.body).toEqual({ id: 'r-dup', position: first.body.position, duplicate: true });
  });
});

describe('rules (422)', () => {
  const event = (over: Record<string, unknown>) => ({
    id: `e-${Math.random()}`,
    source: 'web',
    type: 'view',
    timestamp: '2024-05-01T12:00:00Z',
    identities: [{ namespace: 'ECID', id: 'r1' }],
    ...over,
  });
  it.each<[string, Record<string, unknown>]>([
    ['UNKNOWN_NAMESPACE', { identities: [{ namespace: 'email', id: 'a@b.c' }] }],
    ['IDENTITY_VALUE_TOO_LONG', { identities: [{ namespace: 'ECID', id: 'x'.repeat(1025) }] }],
    ['TOO_MANY_IDENTITIES', { identities: Array.from({ length: 21 }, (_, i) => ({ namespace: 'ECID', id: `c${i}` })) }],
    ['UNIQUE_NAMESPACE_CONFLICT', { identities: [{ namespace: 'CRMID', id: 'A' }, { namespace: 'CRMID', id: 'B' }] }],
    ['NO_IDENTITY', { identities: [{ namespace: 'ECID', id: 'anonymous' }, { namespace: 'Email', id: ' ' }] }],
    ['NO_IDENTITY', { identities: [] }],
    ['TIMESTAMP_REQUIRED', { timestamp: undefined }],
    ['TIMESTAMP_INVALID', { timestamp: '2024-05-01T12:00:00' }],
    ['TIMESTAMP_INVALID', { timestamp: 'tomorrow' }],
    ['FORBIDDEN_KEY', { data: JSON.parse('{"a":{"__proto__":{"polluted":true}}}') }],
    ['INVALID_ATTRIBUTE_KEY', { data: { $where: 'sleep(1000)' } }],
    ['INVALID_ATTRIBUTE_KEY', { data: { 'a.b': 1 } }],
  ])('%s', async (code, over) => {
    const head = await app.store.headPosition();
    const res = await app.post('/v1/events', event(over));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe(code);
    expect(await app.store.headPosition()).toBe(head);
  });

  it('a link with one distinct identity is a 422', async () => {
    const res = await app.post('/v1/links', { source: 's', identities: [{ namespace: 'ECID', id: 'a' }, { namespace: 'ECID', id: ' a ' }] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('LINK_NEEDS_TWO_IDENTITIES');
  });

  it('an event over MAX_EVENT_BYTES is a 413', async () => {
    const res = await app.post('/v1/events', event({ data: { blob: 'x'.repeat(70 * 1024) } }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('EVENT_TOO_LARGE');
    const record = await app.post('/v1/records', { source: 's', identities: [{ namespace: 'ECID', id: 'big' }], attributes: { blob: 'x'.repeat(70 * 1024) } });
    expect(record.status).toBe(202);
  });
});

describe('POST /v1/ingest', () => {
  const ok = (n: number) => ({ kind: 'event', id: `b-${n}`, source: 'web', type: 'view', timestamp: '2024-05-01T12:00:00Z', identities: [{ namespace: 'ECID', id: `b${n}` }] });

  it('answers 207 with per-item results: valid items land, invalid ones are reported and not stored', async () => {
    const res = await app.post('/v1/ingest', [
      ok(1),
      { kind: 'record', source: 'crm', identities: [{ namespace: 'Nope', id: '1' }], attributes: {} },
      { kind: 'link', source: 'crm', identities: [{ namespace: 'ECID', id: 'b1' }, { namespace: 'Email', id: 'B1@X.com' }] },
      { kind: 'photo', source: 'x' },
      'not an object',
      ok(1),
    ]);
    expect(res.status).toBe(207);
    const statuses = res.body.results.map((r: { status: number; error?: { code: string } }) => [r.status, r.error?.code]);
    expect(statuses).toEqual([[202, undefined], [422, 'UNKNOWN_NAMESPACE'], [202, undefined], [400, 'UNKNOWN_KIND'], [400, 'VALIDATION_FAILED'], [202, undefined]]);
    expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(res.body.results[5]).toMatchObject({ duplicate: true, position: res.body.results[0].position });
    const log = await readLog(app.store);
    expect(log.filter((e) => [res.body.results[0].position, res.body.results[2].position].includes(e.position))).toHaveLength(2);
    expect(log.some((e) => (e.event.data as { source?: string }).source === 'x')).toBe(false);
  });

  it('keeps the batch order in the log', async () => {
    const res = await app.post('/v1/ingest', [ok(10), ok(11), ok(12), ok(13)]);
    const positions = res.body.results.map((r: { position: string }) => BigInt(r.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
  });

  it('takes NDJSON, reporting a malformed line on its own', async () => {
    const lines = [JSON.stringify(ok(20)), '{"kind": "event", oops', '', JSON.stringify(ok(21))].join('\n');
    const res = await app.post('/v1/ingest', undefined, { raw: lines, contentType: 'application/x-ndjson' });
    expect(res.status).toBe(207);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([202, 400, 202]);
    expect(res.body.results[1].error.code).toBe('MALFORMED_JSON');
  });

  it('refuses more than MAX_BATCH_ITEMS items and a body that is not an array', async () => {
    const tooMany = await app.post('/v1/ingest', Array.from({ length: 1001 }, (_, i) => ok(100 + i)));
    expect([tooMany.status, tooMany.body.error.code]).toEqual([413, 'BATCH_TOO_MANY_ITEMS']);
    const notArray = await app.post('/v1/ingest', ok(1));
    expect([notArray.status, notArray.body.error.code]).toEqual([400, 'BATCH_NOT_ARRAY']);
  });

  it('accepts exactly MAX_BATCH_ITEMS items', async () => {
    const res = await app.post('/v1/ingest', Array.from({ length: 1000 }, (_, i) => ok(5000 + i)));
    expect(res.status).toBe(207);
    expect(res.body.results.every((r: { status: number }) => r.status === 202)).toBe(true);
  });

  it('leaves an identity linked to more than FAN_OUT_LIMIT others within the batch unlinked', async () => {
    const shared = { namespace: 'Email', id: 'test@test.com' };
    const items = Array.from({ length: 51 }, (_, i) => ({ kind: 'link', source: 'import', identities: [shared, { namespace: 'CRMID', id: `fan-${i}` }] }));
    items.push({ kind: 'link', source: 'import', identities: [{ namespace: 'Email', id: 'ok@x.com' }, { namespace: 'CRMID', id: 'fan-ok' }] });
    const res = await app.post('/v1/ingest', items);
    const log = await readLog(app.store);
    const data = (i: number) => log.find((e) => e.position === res.body.results[i].position)!.event.data as { unlinked?: unknown };
    expect(data(0).unlinked).toEqual([shared]);
    expect(data(50).unlinked).toEqual([shared]);
    expect(data(51).unlinked).toBeUndefined();
  });
});
