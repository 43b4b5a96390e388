import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import type { EventStore } from '../../src/event-store/event-store.port';
import { encode, deriveEventId } from '../../src/events';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import type { ReadStore } from '../../src/read-store/read-store.port';
import { Projector } from '../../src/projector';
import { SETTINGS_STREAM } from '../../src/identity/identity-settings.decider';
import { appendAll, appendConcurrently, defineAudience, defineComputed, experience, ids, link, record } from '../support/log-fixtures';
import { dumpReadModels } from '../support/read-model-dump';

const profileIdOf = (graphId: string) => `p-${graphId}`;

/** Whether `stop()` resolves within `ms`: a projector that cannot stop keeps its process (and jest) alive. */
async function stopsWithin(projector: Projector, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([projector.stop().then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('projector over SQLite log and SQLite read models', () => {
  let dir: string;
  let log: EventStore;
  let store: ReadStore;
  let projector: Projector;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-projector-'));
    log = openSqliteEventStore(join(dir, 'events.sqlite'));
    store = await openSqliteReadStore(join(dir, 'read-models.sqlite'));
    projector = new Projector(log, store, { profileIdOf, batchSize: 7 });
  });

  afterEach(async () => {
    await projector.stop();
    await store.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function profileOf(key: string) {
    const node = await store.getNode(key);
    return node && (await store.getProfile(node.graphId))?.doc;
  }

  it('merges records of one person seen under two identities, newest value per leaf, with provenance', async () => {
    await appendAll(log, [
      record('crm', 1000, ids('CRMID:Tom', 'Email:tom@acme.com'), { name: 'Tom', tier: 'gold' }),
      record('loyalty', 3000, ids('Email:tom@acme.com'), { tier: 'platinum' }),
      record('crm', 2000, ids('CRMID:Tom'), { tier: 'silver', city: 'Ghent' }),
    ]);
    projector.start();
    expect(await projector.whenIdle()).toBe(true);
    const doc = (await profileOf('Email:tom@acme.com')) as Record<string, any>;
    expect(doc.attributes).toEqual({ name: 'Tom', tier: 'platinum', city: 'Ghent' });
    expect(doc.provenance.tier.source).toBe('loyalty');
    expect(doc.provenance.city).toMatchObject({ source: 'crm', timestamp: new Date(2000).toISOString() });
    expect(doc.primaryIdentity).toEqual({ namespace: 'CRMID', id: 'Tom' });
    expect(await profileOf('CRMID:Tom')).toEqual(doc);
  });

  it('anonymous events follow the cookie to the person it belongs to now', async () => {
    await appendAll(log, [
      experience(1000, ids('ECID:111'), 'pageView'),
      experience(2000, ids('ECID:111'), 'addToCart'),
      record('crm', 500, ids('CRMID:Ann'), { name: 'Ann' }),
    ]);
    projector.start();
    await projector.whenIdle();
    expect(((await profileOf('CRMID:Ann')) as any).eventCount).toBe(0);
    await appendAll(log, [link(3000, ids('CRMID:Ann', 'ECID:111'))]);
    await projector.whenIdle();
    const doc = (await profileOf('CRMID:Ann')) as any;
    expect(doc.eventCount).toBe(2);
    expect(doc.lastEventAt).toBe(new Date(2000).toISOString());
    const graph = await store.getGraph((await store.getNode('CRMID:Ann'))!.graphId);
    const timeline = await store.queryEvents({ primaryKeys: graph.nodes.map((n) => n.key), order: 'desc', limit: 10 });
    expect(timeline.items.map((e) => e.type)).toEqual(['addToCart', 'pageView']);
  });

  it('a unique-namespace conflict splits the graph and the merged-away profile disappears', async () => {
    await appendAll(log, [
      link(1, ids('CRMID:Jane', 'ECID:L')),
      record('crm', 1, ids('CRMID:Jane'), { name: 'Jane' }),
      record('crm', 1, ids('CRMID:John'), { name: 'John' }),
      link(2, ids('CRMID:John', 'ECID:L')),
    ]);
    projector.start();
    await projector.whenIdle();
    expect(((await profileOf('ECID:L')) as any).attributes).toEqual({ name: 'John' });
    expect(((await profileOf('CRMID:Jane')) as any).identities).toEqual([{ namespace: 'CRMID', id: 'Jane', type: 'person' }]);
    const janeGraph = await store.getGraph('CRMID:Jane');
    expect(janeGraph.links.filter((l) => l.status === 'removed')).toHaveLength(1);
  });

  it('a settings change re-derives every graph under the new rules, retroactively', async () => {
    await appendAll(log, [link(1, ids('CRMID:Jane', 'ECID:L')), link(2, ids('CRMID:John', 'ECID:L'))]);
    projector.start();
    await projector.whenIdle();
    expect((await store.getNode('CRMID:Jane'))!.graphId).not.toBe((await store.getNode('CRMID:John'))!.graphId);
    const relaxed = {
      namespaces: [
        { code: 'CRMID', type: 'person' as const, unique: false },
        { code: 'ECID', type: 'cookie' as const, unique: false },
      ],
      graphCap: 50,
      version: 1,
    };
    await log.append(SETTINGS_STREAM, [encode({ type: 'IdentitySettingsChanged', data: relaxed }, deriveEventId('settings', 't', '1'))]);
    await projector.whenIdle();
    expect((await store.getNode('CRMID:Jane'))!.graphId).toBe((await store.getNode('CRMID:John'))!.graphId);
    expect(((await profileOf('ECID:L')) as any).identities).toHaveLength(3);
  });

  it('after a restart it resumes from its checkpoint and ends where a fresh rebuild ends', async () => {
    const people = Array.from({ length: 30 }, (_, i) => i);
    const events = people.flatMap((i) => [
      record('crm', i * 10, ids(`CRMID:c${i}`, `Email:p${i}@x.com`), { n: i }),
      link(i * 10 + 1, ids(`Email:p${i}@x.com`, `ECID:k${i % 7}`)),
      experience(i * 10 + 2, ids(`ECID:k${i % 7}`), 'view', { i }),
    ]);
    // Defined before any profile (no backfill): memberships and values are then folds of the items alone.
    await defineComputed(log, 'views', { function: 'count', eventType: 'view' });
    await defineAudience(log, 'late', { attribute: 'n', op: 'gte', value: 15 });
    await defineAudience(log, 'cookied', { and: [{ identity: 'ECID', op: 'exists' }, { event: { type: 'view' } }] });
    await defineAudience(log, 'lateCookied', { and: [{ audience: 'late', op: 'member' }, { audience: 'cookied', op: 'member' }] });
    await appendAll(log, events.slice(0, 45));
    projector.start();
    await projector.whenIdle();
    await projector.stop();
    await appendAll(log, events.slice(45));
    projector = new Projector(log, store, { profileIdOf, batchSize: 7 });
    projector.start();
    await projector.whenIdle();

    const fresh = await openSqliteReadStore(join(dir, 'fresh.sqlite'));
    const rebuild = new Projector(log, fresh, { profileIdOf, batchSize: 50 });
    rebuild.start();
    await rebuild.whenIdle();
    await rebuild.stop();
    const dump = await dumpReadModels(store);
    expect(dump).toEqual(await dumpReadModels(fresh));
    expect(dump.length).toBeGreaterThan(0);
    // The dump compares memberships too: merges through the shared cookies move people in and out.
    const intervals = dump.flatMap((p) => p.memberships ?? []);
    expect(new Set(intervals.map((m) => m.audienceId))).toEqual(new Set(['late', 'cookied', 'lateCookied']));
    expect(intervals.some((m) => m.exitedAt !== null)).toBe(true);
    await fresh.close();
  });

  it('stops after a restart that finds nothing past its checkpoint', async () => {
    await appendAll(log, [record('crm', 1, ids('CRMID:Ann'), { n: 1 })]);
    projector.start();
    await projector.whenIdle();
    await projector.stop();
    projector = new Projector(log, store, { profileIdOf, batchSize: 7 });
    projector.start();
    expect(await projector.whenIdle()).toBe(true);
    expect(await stopsWithin(projector, 5_000)).toBe(true);
  });

  it('leaves the event loop turns while it catches up, so a server in the same process keeps answering', async () => {
    await appendConcurrently(log, Array.from({ length: 600 }, (_, i) => experience(i, ids(`ECID:k${i % 40}`))));
    const head = (await log.headPosition())!;
    const seenByTimers: (string | undefined)[] = [];
    const timer = setInterval(() => seenByTimers.push(projector.checkpoint), 0);
    projector.start();
    await projector.whenIdle();
    clearInterval(timer);
    const midway = seenByTimers.filter((c) => c !== undefined && c !== head);
    expect(midway.length).toBeGreaterThan(3);
  });
});

