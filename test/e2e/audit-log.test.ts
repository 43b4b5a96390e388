import { readLog, startTestApp, type TestApp } from './tessera-app';

/** GET /v1/log: the raw log, decoded, paged with an exclusive `from`. */
describe('raw log', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('pages through the whole log in order, each item once, payloads decoded', async () => {
    for (let i = 0; i < 5; i++) {
      const reply = await app.post('/v1/records', {
        id: `r${i}`,
        source: 'crm',
        timestamp: '2026-01-01T00:00:00Z',
        identities: [{ namespace: 'Email', id: ` User${i}@X.com ` }],
        attributes: { n: i },
      });
      expect(reply.status).toBe(202);
    }
    expect((await app.call('PUT', '/v1/merge-policies/p', { body: { attributeMerge: { type: 'timestampOrdered' }, identityStitching: 'none' } })).status).toBe(200);
    const log = await readLog(app.store);
    expect(log).toHaveLength(6);

    const seen: Array<{ position: string; type: string; stream: string; recordedAt: string; data: Record<string, unknown> }> = [];
    let from: string | null | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const reply = await app.call('GET', `/v1/log?limit=4${from ? `&from=${from}` : ''}`);
      expect(reply.status).toBe(200);
      seen.push(...reply.body.items);
      from = reply.body.next;
      if (from === null) break;
      expect(from).toBe(reply.body.items.at(-1).position);
    }
    expect(from).toBeNull();
    expect(seen).toEqual(
      log.map((e) => ({ position: e.position, type: e.event.type, stream: e.stream, recordedAt: e.recordedAt.toISOString(), data: e.event.data })),
    );
    expect(seen[0].data).toMatchObject({ itemId: 'r0', identities: [{ namespace: 'Email', id: 'user0@x.com' }] });
    expect(seen.at(-1)).toMatchObject({ type: 'MergePolicySaved', stream: 'tessera-merge-policies' });

    const afterThird = await app.call('GET', `/v1/log?from=${log[2].position}`);
    expect(afterThird.body.items.map((i: { position: string }) => i.position)).toEqual(log.slice(3).map((e) => e.position));
    expect(afterThird.body.next).toBeNull();
    const atEnd = await app.call('GET', `/v1/log?from=${log.at(-1)!.position}`);
    expect(atEnd.body).toEqual({ items: [], next: null });
  });

  it.each([
    ['from=abc', 'POSITION_INVALID'],
    ['from=-1', 'POSITION_INVALID'],
    ['from=1&from=2', 'POSITION_INVALID'],
    // A position of another adapter's form (EventStoreDB's commit/prepare) is not one of this SQLite log's.
    ['from=12/13', 'POSITION_INVALID'],
    ['limit=0', 'LIMIT_INVALID'],
    ['limit=1001', 'LIMIT_INVALID'],
    ['limit=1.5', 'LIMIT_INVALID'],
    ['limit=ten', 'LIMIT_INVALID'],
  ])('answers 400 for %s', async (query, code) => {
    const reply = await app.call('GET', `/v1/log?${query}`);
    expect([reply.status, reply.body.error?.code]).toEqual([400, code]);
  });
});
