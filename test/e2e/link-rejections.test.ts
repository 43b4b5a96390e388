import { readLog, startTestApp, type TestApp } from './tessera-app';

/** Operators unmerge: a rejected link is removed from every graph and stays removed until withdrawn. */
describe('link rejections', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const id = (namespace: string, value: string) => ({ namespace, id: value });

  async function link(...identities: Array<{ namespace: string; id: string }>): Promise<string> {
    const reply = await app.post('/v1/links', { source: 'call-centre', timestamp: '2026-03-01T10:00:00Z', identities });
    expect(reply.status).toBe(202);
    return reply.body.position;
  }

  async function graph(namespace: string, value: string, position: string) {
    const reply = await app.call('GET', `/v1/profiles/${namespace}/${encodeURIComponent(value)}/graph?minPosition=${position}`);
    expect(reply.status).toBe(200);
    return reply.body as {
      identities: Array<{ namespace: string; id: string }>;
      links: Array<{ from: unknown; to: unknown }>;
      removedLinks: Array<{ from: unknown; to: unknown; reason: string; removedBy: string; removedAt: string; firstSeen: string; lastSeen: string }>;
    };
  }

  const keysOf = (g: { identities: Array<{ namespace: string; id: string }> }) => g.identities.map((i) => `${i.namespace}:${i.id}`);

  async function reject(from: unknown, to: unknown, reason = 'shared family tablet') {
    return app.post('/v1/identity/link-rejections', { from, to, reason });
  }

  it('splits the graph, shows the removed link, ignores later observations and re-merges on withdrawal', async () => {
    await link(id('Email', 'ann@x.com'), id('ECID', 'tablet'));
    const before = await graph('Email', 'ann@x.com', await link(id('ECID', 'tablet'), id('Email', 'ben@x.com')));
    expect(keysOf(before)).toEqual(['ECID:tablet', 'Email:ann@x.com', 'Email:ben@x.com']);

    const rejected = await reject(id('Email', '  ANN@x.com '), id('ECID', 'tablet'));
    expect(rejected.status).toBe(201);
    expect(rejected.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), position: expect.any(String) });
    const ann = await graph('Email', 'ann@x.com', rejected.body.position);
    expect(keysOf(ann)).toEqual(['Email:ann@x.com']);
    expect(keysOf(await graph('ECID', 'tablet', rejected.body.position))).toEqual(['ECID:tablet', 'Email:ben@x.com']);
    const logged = (await readLog(app.store)).find((e) => e.position === rejected.body.position)!;
    expect(logged.event).toEqual({ type: 'LinkRejected', data: { rejectionId: rejected.body.id, from: id('Email', 'ann@x.com'), to: id('ECID', 'tablet'), reason: 'shared family tablet' } });
    const removed = {
      from: id('ECID', 'tablet'),
      to: id('Email', 'ann@x.com'),
      reason: 'LINK_REJECTED',
      removedBy: logged.eventId,
      removedAt: logged.recordedAt.toISOString(),
      firstSeen: '2026-03-01T10:00:00.000Z',
      lastSeen: '2026-03-01T10:00:00.000Z',
    };
    expect(ann.removedLinks).toEqual([removed]);

    // Later items observe the pair again and force a step-4 rebuild over both graphs (two CRMIDs meet).
    await link(id('CRMID', 'c-ann'), id('Email', 'ann@x.com'));
    await link(id('CRMID', 'c-ben'), id('Email', 'ben@x.com'));
    await link(id('Email', 'ann@x.com'), id('ECID', 'tablet'));
    const last = await link(id('Email', 'ann@x.com'), id('ECID', 'tablet'), id('Email', 'ben@x.com'));
    for (const who of [id('Email', 'ann@x.com'), id('ECID', 'tablet'), id('CRMID', 'c-ben')]) {
      const g = await graph(who.namespace, who.id, last);
      expect(g.links).not.toContainEqual(expect.objectContaining({ from: id('ECID', 'tablet'), to: id('Email', 'ann@x.com') }));
    }
    const annAfter = await graph('Email', 'ann@x.com', last);
    expect(annAfter.removedLinks).toContainEqual(removed);
    // A rejection removes one link, not co-membership: ann may still join the tablet through ben.
    expect(annAfter.links).toContainEqual(expect.objectContaining({ from: id('Email', 'ann@x.com'), to: id('Email', 'ben@x.com') }));

    const withdrawn = await app.call('DELETE', `/v1/identity/link-rejections/${rejected.body.id}`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toEqual({ id: rejected.body.id, position: expect.any(String) });
    const remerged = await graph('Email', 'ann@x.com', withdrawn.body.position);
    expect(remerged.removedLinks.filter((l) => l.reason === 'LINK_REJECTED')).toEqual([]);
    const pair = [...remerged.links, ...remerged.removedLinks].filter((l) => JSON.stringify([l.from, l.to]) === JSON.stringify([id('ECID', 'tablet'), id('Email', 'ann@x.com')]));
    expect(pair).toHaveLength(1);
  });

  it('withdrawing lets a simple pair link again; the list marks withdrawn rejections', async () => {
    await link(id('Email', 'cat@x.com'), id('IDFA', 'phone-1'));
    const r = await reject(id('IDFA', 'phone-1'), id('Email', 'cat@x.com'), 'sold the phone');
    expect(keysOf(await graph('Email', 'cat@x.com', r.body.position))).toEqual(['Email:cat@x.com']);
    const w = await app.call('DELETE', `/v1/identity/link-rejections/${r.body.id}`);
    expect(keysOf(await graph('Email', 'cat@x.com', w.body.position))).toEqual(['Email:cat@x.com', 'IDFA:phone-1']);
    const list = await app.call('GET', '/v1/identity/link-rejections');
    expect(list.status).toBe(200);
    expect(list.body.items.find((i: { id: string }) => i.id === r.body.id)).toEqual({
      id: r.body.id,
      from: id('IDFA', 'phone-1'),
      to: id('Email', 'cat@x.com'),
      reason: 'sold the phone',
      status: 'withdrawn',
      createdAt: expect.stringMatching(/Z$/),
      position: r.body.position,
      withdrawnAt: expect.stringMatching(/Z$/),
      withdrawnPosition: w.body.position,
    });
    // A withdrawn pair can be rejected again.
    expect((await reject(id('Email', 'cat@x.com'), id('IDFA', 'phone-1'))).status).toBe(201);
  });

  it('answers 4xx with stable codes', async () => {
    const first = await reject(id('Email', 'dan@x.com'), id('ECID', 'kiosk'));
    expect(first.status).toBe(201);
    const code = (reply: { status: number; body: { error?: { code: string } } }) => [reply.status, reply.body.error?.code];
    expect(code(await reject(id('ECID', 'kiosk'), id('Email', ' DAN@x.com')))).toEqual([409, 'LINK_ALREADY_REJECTED']);
    expect(code(await reject(id('Nope', 'a'), id('ECID', 'kiosk')))).toEqual([422, 'UNKNOWN_NAMESPACE']);
    expect(code(await reject(id('Email', 'eve@x.com'), id('Email', ' EVE@x.com ')))).toEqual([422, 'LINK_REJECTION_SAME_IDENTITY']);
    expect(code(await reject(id('Email', 'null'), id('ECID', 'kiosk')))).toEqual([422, 'IDENTITY_VALUE_BLOCKED']);
    expect(code(await reject(id('Email', 'eve@x.com'), id('ECID', 'kiosk'), ''))).toEqual([400, 'VALIDATION_FAILED']);
    expect(code(await reject(id('Email', 'eve@x.com'), id('ECID', 'kiosk'), 'x'.repeat(1001)))).toEqual([400, 'VALIDATION_FAILED']);
    expect((await reject(id('Email', 'eve@x.com'), id('ECID', 'kiosk'), 'x'.repeat(1000))).status).toBe(201);
    expect(code(await app.post('/v1/identity/link-rejections', { from: id('Email', 'a@x.com'), reason: 'r' }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(code(await app.post('/v1/identity/link-rejections', { from: 'Email:a', to: id('ECID', 'k'), reason: 'r' }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(code(await app.call('DELETE', '/v1/identity/link-rejections/00000000-0000-4000-8000-000000000000'))).toEqual([404, 'LINK_REJECTION_NOT_FOUND']);
    expect(code(await app.call('DELETE', '/v1/identity/link-rejections/not-an-id'))).toEqual([404, 'LINK_REJECTION_NOT_FOUND']);
    expect((await app.call('DELETE', `/v1/identity/link-rejections/${first.body.id}`)).status).toBe(200);
    expect(code(await app.call('DELETE', `/v1/identity/link-rejections/${first.body.id}`))).toEqual([409, 'LINK_REJECTION_ALREADY_WITHDRAWN']);
  });

  it('needs the admin scope', async () => {
    const guarded = await startTestApp({ API_KEYS: 'reader=read;boss=admin' });
    try {
      const body = { from: id('Email', 'a@x.com'), to: id('ECID', 'k'), reason: 'r' };
      expect((await guarded.post('/v1/identity/link-rejections', body, { key: 'reader' })).status).toBe(403);
      expect((await guarded.call('GET', '/v1/identity/link-rejections', { key: 'reader' })).status).toBe(403);
      expect((await guarded.call('GET', '/v1/log', { key: 'reader' })).status).toBe(403);
      expect((await guarded.post('/v1/identity/link-rejections', body, { key: 'boss' })).status).toBe(201);
    } finally {
      await guarded.close();
    }
  });
});
