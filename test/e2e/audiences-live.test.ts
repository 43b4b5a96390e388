import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, until, clockPast, type TestApp } from './tessera-app';

/**
 * Audience memberships kept by the projector, over the real service: a window exit with no new event (also across
 * a restart), a merge where only the union qualifies, a split, audience-of-audience, backfill against preview.
 */
let seq = 0;
const purchase = (at: number, identities: object[]) =>
  ({ id: `a-${++seq}`, source: 'shop', type: 'purchase', timestamp: new Date(at).toISOString(), identities, data: { total: 1 } });
const tom = [{ namespace: 'CRMID', id: 'tom' }];

describe('audience memberships over the service', () => {
  let app: TestApp;
  afterEach(() => app?.close());

  const put = async (id: string, condition: unknown) => {
    const reply = await app.call('PUT', `/v1/audiences/${id}`, { body: { name: id, condition } });
    expect({ status: reply.status, error: reply.body?.error }).toEqual({ status: 200, error: undefined });
    return reply.body.position as string;
  };
  const membersOf = async (id: string, asOf?: string) =>
    (await app.getOk(`/v1/audiences/${id}/members${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`)).items as Array<{ profileId: string; primaryIdentity: unknown; enteredAt: string }>;
  const audiencesOf = async (path: string) => ((await app.getOk(path)).audiences as Array<{ id: string; enteredAt: string }>).map((a) => a.id);

  it('a window exit happens with no new event, and asOf still sees the member before it', async () => {
    app = await startTestApp();
    await app.momentAfter(await put('recent', { event: { type: 'purchase' }, window: { last: '2s' } }));
    const at = Date.now();
    const position = await app.ingest('/v1/events', purchase(at, tom));
    const entered = await until(() => membersOf('recent'), (m) => m.length === 1, 5_000);
    expect(entered).toEqual([{ profileId: expect.stringMatching(/^p_/), primaryIdentity: tom[0], enteredAt: expect.any(String) }]);
    const logged = (await app.getOk('/v1/log?limit=1000')).items.find((i: { position: string }) => i.position === position);
    expect(entered[0]!.enteredAt).toBe(logged.recordedAt);
    const during = await app.momentAfter(position);
    expect(await audiencesOf('/v1/profiles/CRMID/tom')).toEqual(['recent']);
    await clockPast(at + 2_000);
    expect(await until(() => membersOf('recent'), (m) => m.length === 0, 1_500)).toEqual([]);
    expect(await audiencesOf('/v1/profiles/CRMID/tom')).toEqual([]);
    expect((await membersOf('recent', during)).length).toBe(1);
    expect(await audiencesOf(`/v1/profiles/CRMID/tom?asOf=${encodeURIComponent(during)}`)).toEqual(['recent']);

    // History: the exit is an entry of its own at the lapse moment (the purchase's timestamp + 2 s, to the
    // millisecond), derived from the log and the definition: every reading, and any rebuild, gives the same.
    const lapseAt = new Date(at + 2_000).toISOString();
    const history = async (query = '') => (await app.getOk(`/v1/profiles/CRMID/tom/history${query}`)).items as Array<{ kind: string; recordedAt: string; position: string; changes: { audiences?: unknown[] } }>;
    const items = await history();
    expect(items.map((i) => [i.kind, i.changes.audiences])).toEqual([
      ['event', [{ id: 'recent', kind: 'entered', at: logged.recordedAt, cause: 'item' }]],
      ['windowLapse', [{ id: 'recent', kind: 'exited', at: lapseAt, cause: 'windowLapse' }]],
    ]);
    expect(items[1]).toMatchObject({ recordedAt: lapseAt, position });
    expect(await history()).toEqual(items);
    expect((await history(`?asOf=${encodeURIComponent(during)}`)).map((i) => i.kind)).toEqual(['event']);
    const first = await app.getOk('/v1/profiles/CRMID/tom/history?limit=1');
    const second = await app.getOk(`/v1/profiles/CRMID/tom/history?limit=1&cursor=${first.nextCursor}`);
    expect([...first.items, ...second.items]).toEqual(items);
    expect(second.nextCursor).toBeNull();
  });

  it('a merge where only the union qualifies enters once; a split exits; audience-of-audience follows', async () => {
    app = await startTestApp();
    await put('baselBuyers', { and: [{ attribute: 'city', op: 'eq', value: 'Basel' }, { event: { type: 'purchase' } }] });
    await put('vip', { audience: 'baselBuyers', op: 'member' });
    await app.ingest('/v1/records', { id: 'r1', source: 'crm', identities: tom, attributes: { city: 'Basel' } });
    const bought = await app.ingest('/v1/events', purchase(Date.now() - 1000, [{ namespace: 'ECID', id: 'cookie-1' }]));
    await app.momentAfter(bought);
    expect(await membersOf('baselBuyers')).toEqual([]);
    const linked = await app.ingest('/v1/links', { source: 'web', identities: [tom[0], { namespace: 'ECID', id: 'cookie-1' }] });
    await app.momentAfter(linked);
    const members = await until(() => membersOf('vip'), (m) => m.length === 1, 5_000);
    expect(members).toHaveLength(1);
    expect((await membersOf('baselBuyers')).map((m) => m.profileId)).toEqual([members[0]!.profileId]);
    expect(await audiencesOf('/v1/profiles/ECID/cookie-1')).toEqual(['baselBuyers', 'vip']);

    const rejected = await app.post('/v1/identity/link-rejections', { from: tom[0], to: { namespace: 'ECID', id: 'cookie-1' }, reason: 'shared kiosk' });
    expect(rejected.status).toBe(201);
    await app.momentAfter(rejected.body.position);
    expect(await until(() => membersOf('baselBuyers'), (m) => m.length === 0, 5_000)).toEqual([]);
    expect(await membersOf('vip')).toEqual([]);

    const history = (await app.getOk('/v1/profiles/CRMID/tom/history')).items as Array<{ kind: string; changes: { audiences?: Array<{ id: string; kind: string; cause: string }> } }>;
    const moves = history.filter((h) => h.changes.audiences).map((h) => [h.kind, h.changes.audiences!.map((a) => `${a.kind} ${a.id} (${a.cause})`)]);
    expect(moves).toEqual([
      ['link', ['entered baselBuyers (merge)', 'entered vip (merge)']],
      ['linkRejected', ['exited baselBuyers (split)', 'exited vip (split)']],
    ]);
  });

  it('an audience created after the data backfills to exactly the preview count', async () => {
    app = await startTestApp();
    let last = '';
    for (let i = 0; i < 12; i++) last = await app.ingest('/v1/events', purchase(Date.now() - 5_000, [{ namespace: 'CRMID', id: `c${i}` }]));
    for (let i = 0; i < 5; i++) last = await app.ingest('/v1/records', { id: `rec${i}`, source: 'crm', identities: [{ namespace: 'CRMID', id: `c${i}` }], attributes: { tier: 'gold' } });
    await app.momentAfter(last);
    const condition = { and: [{ attribute: 'tier', op: 'eq', value: 'gold' }, { event: { type: 'purchase' }, window: { last: '1h' } }] };
    const preview = await app.post('/v1/audiences/preview', { condition });
    expect(preview.body.size).toBe(5);
    const defined = await put('gold', condition);
    const ready = await until(() => app.getOk('/v1/audiences/gold'), (a) => a.status === 'ready', 10_000);
    expect(ready).toMatchObject({ status: 'ready', size: preview.body.size });
    // Entries the backfill decided are dated at the definition's log time (API.md: enteredAt), not when it ran.
    const logged = (await app.getOk('/v1/log?limit=1000')).items.find((i: { position: string }) => i.position === defined);
    expect((await membersOf('gold')).map((m) => m.enteredAt)).toEqual(Array(5).fill(logged.recordedAt));
    // The profile's history shows the definition change that moved it, at the change's position and log time.
    const history = (await app.getOk('/v1/profiles/CRMID/c0/history')).items as Array<{ kind: string; position: string; recordedAt: string; changes: { audiences?: unknown[] } }>;
    expect(history.map((h) => h.kind)).toEqual(['event', 'record', 'audienceDefinition']);
    expect(history[2]).toMatchObject({ position: defined, recordedAt: logged.recordedAt, changes: { audiences: [{ id: 'gold', kind: 'entered', at: logged.recordedAt, cause: 'definition' }] } });
  });

  it('a computed attribute defined after the data moves the audiences reading it at its own position, in history', async () => {
    app = await startTestApp();
    await put('buyers', { computed: 'purchases', op: 'gte', value: 1 });
    const last = await app.ingest('/v1/events', purchase(Date.now() - 5_000, tom));
    await app.momentAfter(last);
    expect(await membersOf('buyers')).toEqual([]);
    const reply = await app.call('PUT', '/v1/computed-attributes/purchases', { body: { function: 'count', eventType: 'purchase' } });
    expect(reply.status).toBe(200);
    const defined = reply.body.position as string;
    await until(() => app.getOk('/v1/computed-attributes/purchases'), (c) => c.status === 'ready', 10_000);
    const logged = (await app.getOk('/v1/log?limit=1000')).items.find((i: { position: string }) => i.position === defined);
    expect((await until(() => membersOf('buyers'), (m) => m.length === 1, 5_000)).map((m) => m.enteredAt)).toEqual([logged.recordedAt]);
    const history = (await app.getOk('/v1/profiles/CRMID/tom/history')).items as Array<{ kind: string; position: string; recordedAt: string; changes: { audiences?: unknown[] } }>;
    expect(history.map((h) => h.kind)).toEqual(['event', 'audienceDefinition']);
    expect(history[1]).toMatchObject({ position: defined, recordedAt: logged.recordedAt, changes: { audiences: [{ id: 'buyers', kind: 'entered', at: logged.recordedAt, cause: 'definition' }] } });
  });

  it('an erasure takes the profile out of every audience, now and as of any moment', async () => {
    app = await startTestApp();
    await put('known', { identity: 'CRMID', op: 'exists' });
    await put('others', { identity: 'ECID', op: 'exists' });
    await app.ingest('/v1/records', { id: 'r-ann', source: 'crm', identities: [{ namespace: 'CRMID', id: 'ann' }], attributes: { a: 1 } });
    const last = await app.ingest('/v1/records', { id: 'r-tom', source: 'crm', identities: tom, attributes: { a: 1 } });
    await app.momentAfter(last);
    expect((await until(() => membersOf('known'), (m) => m.length === 2, 5_000)).length).toBe(2);
    const during = await app.momentAfter(last);
    const erase = await app.post('/v1/privacy/requests', { type: 'erase', identity: tom[0], scope: 'graph' });
    expect(erase.status).toBe(202);
    const status = await until(() => app.getOk(`/v1/privacy/requests/${erase.body.requestId}`), (r) => r.status === 'completed' || r.status === 'failed', 10_000);
    expect(status.status).toBe('completed');
    const left = await until(() => membersOf('known'), (m) => m.length === 1, 5_000);
    expect(left.map((m) => m.primaryIdentity)).toEqual([{ namespace: 'CRMID', id: 'ann' }]);
    expect((await membersOf('known', during)).map((m) => m.primaryIdentity)).toEqual([{ namespace: 'CRMID', id: 'ann' }]);
    expect((await app.getOk('/v1/audiences/known')).size).toBe(1);
  });

  it('a lapse that fell due while the service was down exits at start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tessera-audiences-'));
    try {
      app = await startTestApp({ DATA_DIR: dataDir });
      await put('recent', { event: { type: 'purchase' }, window: { last: '2s' } });
      const at = Date.now();
      await app.momentAfter(await app.ingest('/v1/events', purchase(at, tom)));
      expect(await until(() => membersOf('recent'), (m) => m.length === 1, 5_000)).toHaveLength(1);
      await app.close();
      await clockPast(at + 2_000);
      app = await startTestApp({ DATA_DIR: dataDir });
      expect(await until(() => membersOf('recent'), (m) => m.length === 0, 1_000)).toEqual([]);
    } finally {
      await app.close();
      app = undefined as unknown as TestApp;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
