import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRebuild } from '../../src/cli/rebuild';
import type { CliIo } from '../../src/cli/tessera-io';
import { startTestApp, until, clockPast, type TestApp } from './tessera-app';

/**
 * Computed attributes over the real service: definitions over HTTP, values on the profile body, windows that lapse
 * with no new event (also across a restart), backfill of a definition created after the events, asOf.
 */
const TOM = [{ namespace: 'CRMID', id: 'tom' }];
let seq = 0;
const purchase = (at: number, data: Record<string, unknown>, identities = TOM) =>
  ({ id: `p-${++seq}`, source: 'shop', type: 'purchase', timestamp: new Date(at).toISOString(), identities, data });

describe('computed attributes over the service', () => {
  let app: TestApp;
  afterEach(() => app?.close());

  const computedOf = async (path = '/v1/profiles/CRMID/tom') => (await app.getOk(path)).computed;

  it('serves definitions and shows every value on the profile, with zero values where nothing counts', async () => {
    app = await startTestApp();
    const put = await app.call('PUT', '/v1/computed-attributes/spend', { body: { function: 'sum', field: 'total', eventType: 'purchase' } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ name: 'spend', version: 1, position: expect.any(String), status: expect.stringMatching(/backfilling|ready/) });
    await app.call('PUT', '/v1/computed-attributes/skus', { body: { function: 'list', field: 'sku' } });
    await app.call('PUT', '/v1/computed-attributes/bigOrders', { body: { function: 'count', where: { field: 'total', op: 'gte', value: 100 } } });
    const position = await app.ingest('/v1/events', purchase(Date.now() - 1000, { total: 120, sku: 'a' }));
    await app.ingest('/v1/events', purchase(Date.now() - 500, { total: 30.5, sku: 'b' }));
    await app.momentAfter(position);
    const values = await until(computedOf, (v) => v?.spend === 150.5, 5_000);
    expect(values).toEqual({ bigOrders: 1, skus: ['b', 'a'], spend: 150.5 });

    const list = await app.getOk('/v1/computed-attributes');
    expect(list.items.map((d: { name: string }) => d.name)).toEqual(['bigOrders', 'skus', 'spend']);
    expect(await app.getOk('/v1/computed-attributes/spend')).toMatchObject({ name: 'spend', function: 'sum', field: 'total', version: 1 });
    const same = await app.call('PUT', '/v1/computed-attributes/spend', { body: { function: 'sum', field: 'total', eventType: 'purchase' } });
    expect(same.body.version).toBe(1);
    expect((await app.call('DELETE', '/v1/computed-attributes/skus')).status).toBe(200);
    expect(await computedOf()).toEqual({ bigOrders: 1, spend: 150.5 });
    expect((await app.call('GET', '/v1/computed-attributes/skus')).body.error.code).toBe('COMPUTED_ATTRIBUTE_NOT_FOUND');
  });

  it.each([
    ['a bad duration', 'c', { function: 'count', window: { last: '30 days' } }, 'COMPUTED_ATTRIBUTE_INVALID', 'window.last'],
    ['a missing field', 'c', { function: 'max' }, 'COMPUTED_ATTRIBUTE_INVALID', 'field'],
    ['an unknown function', 'c', { function: 'median', field: 'x' }, 'COMPUTED_ATTRIBUTE_INVALID', 'function'],
    ['a bad name', '9lives', { function: 'count' }, 'COMPUTED_ATTRIBUTE_INVALID', 'name'],
    ['a bad where', 'c', { function: 'count', where: { and: [{ field: 'a', op: 'near', value: 1 }] } }, 'CONDITION_INVALID', 'where.and[0].op'],
  ])('rejects %s with 422 naming the path, and stores nothing', async (_label, name, body, code, path) => {
    app = await startTestApp();
    const reply = await app.call('PUT', `/v1/computed-attributes/${name}`, { body });
    expect(reply.status).toBe(422);
    expect(reply.body.error).toMatchObject({ code, details: [expect.objectContaining({ path })] });
    expect((await app.getOk('/v1/computed-attributes')).items).toEqual([]);
  });

  it('a windowed count lapses without any new event, and asOf answers the value as it was', async () => {
    app = await startTestApp();
    await app.call('PUT', '/v1/computed-attributes/recent', { body: { function: 'count', eventType: 'purchase', window: { last: '2s' } } });
    const at = Date.now();
    const position = await app.ingest('/v1/events', purchase(at, { total: 1 }));
    const during = await app.momentAfter(position);
    expect((await until(computedOf, (v) => v?.recent === 1, 5_000)).recent).toBe(1);
    await clockPast(at + 2_000);
    const lapsed = await until(computedOf, (v) => v?.recent === 0, 1_500);
    expect(lapsed.recent).toBe(0);
    expect((await app.getOk(`/v1/profiles/CRMID/tom?asOf=${encodeURIComponent(during)}`)).computed).toEqual({ recent: 1 });
    // The lapse is a history entry of its own, at the event's timestamp + 2 s exactly.
    const history = (await app.getOk('/v1/profiles/CRMID/tom/history')).items as Array<{ kind: string; recordedAt: string; changes: { computed?: unknown[] } }>;
    expect(history.map((h) => [h.kind, h.recordedAt.length, h.changes.computed])).toEqual([
      ['event', 24, [{ name: 'recent', before: 0, after: 1 }]],
      ['windowLapse', 24, [{ name: 'recent', before: 1, after: 0 }]],
    ]);
    expect(history[1]!.recordedAt).toBe(new Date(at + 2_000).toISOString());
  });

  it('a lapse that fell due while the service was down applies at start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tessera-computed-'));
    app = await startTestApp({ DATA_DIR: dataDir });
    await app.call('PUT', '/v1/computed-attributes/recent', { body: { function: 'count', window: { last: '2s' } } });
    const at = Date.now();
    await app.momentAfter(await app.ingest('/v1/events', purchase(at, { total: 1 })));
    expect((await until(computedOf, (v) => v?.recent === 1, 5_000)).recent).toBe(1);
    await app.close();
    await clockPast(at + 2_000);
    app = await startTestApp({ DATA_DIR: dataDir });
    try {
      expect((await until(computedOf, (v) => v?.recent === 0, 1_000)).recent).toBe(0);
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a definition created after the events backfills every profile, with status and progress', async () => {
    app = await startTestApp();
    let last = '';
    for (let i = 0; i < 30; i++) last = await app.ingest('/v1/events', purchase(Date.now() - 10_000 + i, { total: i }, [{ namespace: 'CRMID', id: `c${i % 10}` }]));
    await app.momentAfter(last);
    expect((await app.call('PUT', '/v1/computed-attributes/spend', { body: { function: 'sum', field: 'total' } })).status).toBe(200);
    const ready = await until(() => app.getOk('/v1/computed-attributes/spend'), (d) => d.status === 'ready', 10_000);
    expect(ready).toMatchObject({ status: 'ready', progress: { done: 10, total: 10, ratio: 1 } });
    // c3 bought at i = 3, 13, 23
    expect((await app.getOk('/v1/profiles/CRMID/c3')).computed).toEqual({ spend: 39 });
  });

  it('values follow a merge and an unmerge by link rejection', async () => {
    app = await startTestApp();
    await app.call('PUT', '/v1/computed-attributes/spend', { body: { function: 'sum', field: 'total' } });
    await app.call('PUT', '/v1/computed-attributes/lastSku', { body: { function: 'last', field: 'sku' } });
    const cookie = [{ namespace: 'ECID', id: 'c-1' }];
    await app.ingest('/v1/events', purchase(Date.now() - 2000, { total: 10, sku: 'crm' }));
    const anon = await app.ingest('/v1/events', purchase(Date.now() - 1000, { total: 5, sku: 'web' }, cookie));
    await app.momentAfter(anon);
    expect((await app.getOk('/v1/profiles/ECID/c-1')).computed).toEqual({ lastSku: 'web', spend: 5 });
    const merged = await app.ingest('/v1/links', { source: 'web', identities: [...TOM, ...cookie] });
    await app.momentAfter(merged);
    expect(await computedOf()).toEqual({ lastSku: 'web', spend: 15 });
    const rejected = await app.post('/v1/identity/link-rejections', { from: TOM[0], to: cookie[0], reason: 'shared device' });
    expect(rejected.status).toBe(201);
    await app.momentAfter(rejected.body.position);
    expect(await until(computedOf, (v) => v?.spend === 10, 5_000)).toEqual({ lastSku: 'crm', spend: 10 });
    expect((await until(() => computedOf('/v1/profiles/ECID/c-1'), (v) => v?.spend === 5, 5_000))).toEqual({ lastSku: 'web', spend: 5 });
  });

  it('rebuild --verify finds the live values equal to a rebuild from the log, backfills and merges included', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tessera-computed-verify-'));
    app = await startTestApp({ DATA_DIR: dataDir });
    await app.call('PUT', '/v1/computed-attributes/spend', { body: { function: 'sum', field: 'total' } });
    let last = '';
    for (let i = 0; i < 40; i++) {
      const who = [{ namespace: 'CRMID', id: `v${i % 7}` }, ...(i % 5 === 0 ? [{ namespace: 'ECID', id: `d${i % 3}` }] : [])];
      last = await app.ingest('/v1/events', purchase(Date.now() - 60_000 + i, { total: i / 4, sku: `s${i % 4}` }, who));
      if (i === 20) await app.call('PUT', '/v1/computed-attributes/skus', { body: { function: 'list', field: 'sku', window: { last: '1d' } } });
    }
    await app.momentAfter(last);
    await until(() => app.getOk('/v1/computed-attributes/skus'), (d) => d.status === 'ready', 10_000);
    await app.close();
    const out: string[] = [];
    const io: CliIo = { out: (t) => void out.push(t), err: () => undefined };
    try {
      expect({ exit: await runRebuild(['--verify'], io, { DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), out: out.join('') })
        .toEqual({ exit: 0, out: expect.stringContaining('equal a rebuild') });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('history lists, per step, the computed values it changed: an event counted, a merge', async () => {
    app = await startTestApp();
    await app.call('PUT', '/v1/computed-attributes/spend', { body: { function: 'sum', field: 'total' } });
    const cookie = [{ namespace: 'ECID', id: 'h-1' }];
    await app.ingest('/v1/events', purchase(Date.now() - 2000, { total: 10 }));
    await app.ingest('/v1/events', purchase(Date.now() - 1000, { total: 5 }, cookie));
    const merged = await app.ingest('/v1/links', { source: 'web', identities: [...TOM, ...cookie] });
    await app.momentAfter(merged);
    const history = await app.getOk('/v1/profiles/CRMID/tom/history');
    expect(history.items.map((i: { kind: string; changes: { computed?: unknown } }) => [i.kind, i.changes.computed])).toEqual([
      ['event', [{ name: 'spend', before: 0, after: 10 }]],
      ['link', [{ name: 'spend', before: 10, after: 15 }]],
    ]);
  });

  it('an erasure takes the erased identity’s events out of every value', async () => {
    app = await startTestApp();
    await app.call('PUT', '/v1/computed-attributes/spend', { body: { function: 'sum', field: 'total' } });
    const cookie = [{ namespace: 'ECID', id: 'gone-1' }];
    await app.ingest('/v1/events', purchase(Date.now() - 2000, { total: 10 }));
    await app.ingest('/v1/events', purchase(Date.now() - 1000, { total: 5 }, cookie));
    await app.momentAfter(await app.ingest('/v1/links', { source: 'web', identities: [...TOM, ...cookie] }));
    expect(await computedOf()).toEqual({ spend: 15 });
    const erase = await app.post('/v1/privacy/requests', { type: 'erase', identity: cookie[0], scope: 'identity' });
    expect(erase.status).toBe(202);
    const done = await until(() => app.getOk(`/v1/privacy/requests/${erase.body.requestId}`), (r) => r.status === 'completed' || r.status === 'failed', 10_000);
    expect(done.status).toBe('completed');
    expect(await until(computedOf, (v) => v?.spend === 10, 5_000)).toEqual({ spend: 10 });
  });

  it('admin writes definitions, read reads them; other keys are refused and nothing is stored', async () => {
    app = await startTestApp({ API_KEYS: 'reader-key=read;ops-key=admin;ingest-key=ingest' });
    const body = { function: 'count' };
    expect((await app.call('PUT', '/v1/computed-attributes/n', { body })).status).toBe(401);
    expect((await app.call('PUT', '/v1/computed-attributes/n', { body, key: 'reader-key' })).status).toBe(403);
    expect((await app.call('PUT', '/v1/computed-attributes/n', { body, key: 'ingest-key' })).status).toBe(403);
    expect((await app.call('GET', '/v1/computed-attributes', { key: 'ingest-key' })).status).toBe(403);
    expect((await app.call('GET', '/v1/computed-attributes', { key: 'reader-key' })).body).toEqual({ items: [] });
    expect((await app.call('PUT', '/v1/computed-attributes/n', { body, key: 'ops-key' })).status).toBe(200);
    expect((await app.call('DELETE', '/v1/computed-attributes/n', { key: 'reader-key' })).status).toBe(403);
    expect((await app.call('GET', '/v1/computed-attributes/n', { key: 'reader-key' })).body).toMatchObject({ name: 'n', version: 1 });
  });
});
