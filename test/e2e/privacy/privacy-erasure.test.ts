import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subjectStream } from '../../../src/identity/subject-stream';
import { profileIdOf } from '../../../src/read-models';
import { Projector } from '../../../src/projector';
import { openReadStore } from '../../../src/read-store';
import { readLog, startTestApp, type TestApp } from '../tessera-app';
import { ANN, DEVICE, ERASED_VALUES, finished, ingestTomAndAnn, path, TOM, valuesInFiles } from './privacy-fixture';

/** Issue 8: an erased person is gone from every read, every file and every replay; everyone else is intact. */
describe('privacy: access, then erasure of a whole graph', () => {
  let app: TestApp;
  let accessExport: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let erasure: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    app = await startTestApp();
    await ingestTomAndAnn(app);
    const access = await app.post('/v1/privacy/requests', { type: 'access', identity: { namespace: 'Email', id: '  TOM.ERASED-zqx@example.com ' }, scope: 'graph' });
    expect(access.status).toBe(202);
    accessExport = await finished(app, access.body.requestId);
    const erase = await app.post('/v1/privacy/requests', { type: 'erase', identity: TOM.phone, scope: 'graph', suppress: true });
    expect(erase.status).toBe(202);
    erasure = await finished(app, erase.body.requestId);
  }, 60_000);
  afterAll(() => app.close());

  it('the access request made before the erasure returned every record, event and link, and the profile', () => {
    // Ann's referral names Tom's e-mail: it is data held about him too.
    expect(accessExport).toMatchObject({ type: 'access', status: 'completed', counts: { identities: 4, records: 4, events: 3, links: 1 } });
    const exported = accessExport.export;
    expect(exported.identities.map((i: { id: string }) => i.id).sort()).toEqual(Object.values(TOM).map((i) => i.id).sort());
    expect(exported.records.map((r: { source: string }) => r.source).sort()).toEqual(['crm', 'loyalty', 'web', 'web']);
    expect(exported.events.map((e: { id: string }) => e.id).sort()).toEqual(['ann-e2', 'tom-e1', 'tom-e2']);
    expect(exported.links).toEqual([expect.objectContaining({ source: 'app', identities: [TOM.email, DEVICE] })]);
    expect(exported.profile.attributes).toMatchObject({ name: 'Tomasz Erasedsson-zqx', tier: 'gold-tier-zqx', colour: 'cookie-colour-zqx' });
    const text = JSON.stringify(exported);
    for (const value of ERASED_VALUES) expect(text).toContain(value);
  });

  it('completes with counts of what was his own, and leaves an audit event without personal data', async () => {
    expect(erasure).toMatchObject({ type: 'erase', status: 'completed', counts: { identities: 4, records: 4, events: 2, links: 1 } });
    expect(Date.parse(erasure.completedAt)).toBeGreaterThanOrEqual(Date.parse(erasure.createdAt));
    const audit = (await readLog(app.store)).filter((e) => e.event.type === 'SubjectErased');
    expect(audit).toHaveLength(1);
    // Tom was linked to Ann's device (a removed link): the projector re-derives the closure of the people he shared
    // items with, found from Ann's items that name the device and her CRMID (her stream and revisions, nothing of Tom).
    const annStream = subjectStream(app.config.identityHashKey!, ANN.crm);
    const seeds = [{ stream: annStream, revision: 0 }, { stream: annStream, revision: 1 }];
    // erasedProfiles: pseudonymous profile ids only (the feed's profile.erased notices), never an identity value.
    const erasedProfiles = expect.arrayContaining([expect.stringMatching(/^p_[\w-]+$/)]);
    expect(audit[0].event.data).toEqual({ requestId: erasure.requestId, at: expect.any(String), counts: erasure.counts, rederive: true, seeds, erasedProfiles });
    const page = await app.call('GET', '/v1/log?limit=1000');
    expect(page.status).toBe(200);
    for (const value of ERASED_VALUES) expect(page.text).not.toContain(value);
  });

  it('answers 404 for the profile, timeline and graph of every erased identity', async () => {
    for (const identity of Object.values(TOM)) {
      for (const suffix of ['', '/events', '/graph']) {
        expect((await app.call('GET', `${path(identity)}${suffix}`)).status).toBe(404);
      }
    }
  });

  it('keeps Ann whole: her profile, her device, her events (without Tom’s e-mail)', async () => {
    const profile = await app.call('GET', path(ANN.crm));
    expect(profile.status).toBe(200);
    expect(profile.body.attributes).toEqual({ name: 'Ann Keeper' });
    const graph = await app.call('GET', `${path(ANN.crm)}/graph`);
    expect(graph.body.identities.map((i: { id: string }) => i.id).sort()).toEqual([ANN.crm.id, DEVICE.id]);
    expect(graph.body.removedLinks).toEqual([]);
    const events = await app.call('GET', `${path(DEVICE)}/events?order=asc`);
    expect(events.body.items.map((e: { id: string }) => e.id)).toEqual(['ann-e1', 'ann-e2']);
    expect(events.body.items[1].identities).toEqual([ANN.crm]);
    expect(events.body.items[1].data).toEqual({ note: 'ann-visible-note' });
  });

  it('leaves no byte of Tom’s values in any file under DATA_DIR (logs, read models, keys, WAL)', () => {
    expect(valuesInFiles(app.config.dataDir, ERASED_VALUES)).toEqual([]);
    expect(valuesInFiles(app.config.dataDir, ['Ann Keeper', ANN.crm.id]).length).toBeGreaterThan(0);
  });

  it('a rebuild from the log (a fresh projector into fresh read models) brings none of it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-rebuild-'));
    const store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read-models.sqlite') });
    const projector = new Projector(app.store, store, { name: 'rebuild', profileIdOf: (g) => profileIdOf(app.config.identityHashKey!, g) });
    projector.start();
    try {
      expect(await projector.whenIdle()).toBe(true);
      for (const identity of Object.values(TOM)) expect(await store.getNode(`${identity.namespace}:${identity.id}`)).toBeUndefined();
      expect((await store.getNode(`${DEVICE.namespace}:${DEVICE.id}`))?.graphId).toBe(`CRMID:${ANN.crm.id}`);
      await projector.stop();
      await store.close();
      expect(valuesInFiles(dir, ERASED_VALUES)).toEqual([]);
    } finally {
      await projector.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('suppression: Tom’s identities sent again are dropped with a warning, the rest of the item lands', async () => {
    const reply = await app.post('/v1/records', { source: 'crm', identities: [TOM.email, { namespace: 'Phone', id: '+49-new-number' }], attributes: { name: 'Someone' } });
    expect(reply.status).toBe(202);
    expect(reply.body.warnings).toEqual([expect.objectContaining({ code: 'SUPPRESSED_IDENTITY_DROPPED', path: 'identities[0]' })]);
    const alone = await app.post('/v1/events', { id: 'tom-again', source: 'web', type: 'pageView', timestamp: '2026-02-01T00:00:00Z', identities: [TOM.crm] });
    expect(alone.status).toBe(422);
    expect(alone.body.error.code).toBe('NO_IDENTITY');
    const phone = await app.call('GET', `/v1/profiles/Phone/${encodeURIComponent('+49-new-number')}?minPosition=${reply.body.position}`);
    expect(phone.body.identities).toEqual([{ namespace: 'Phone', id: '+49-new-number', type: 'phone' }]);
    expect((await app.call('GET', path(TOM.email))).status).toBe(404);
  });
});
