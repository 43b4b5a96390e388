import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../projections/model';
import { AUDIENCES_STREAM } from '../../src/audiences/audience-definitions.service';
import { COMPUTED_ATTRIBUTES_STREAM } from '../../src/computed-attributes';
import { deriveEventId, encode, type DomainEvent } from '../../src/events';
import type { EventStore } from '../../src/event-store';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import { SETTINGS_STREAM } from '../../src/identity';
import { Projector } from '../../src/projector';
import { LINK_REJECTIONS_STREAM, profileIdOf } from '../../src/read-models';
import type { Checkpoint, ReadModelBatch, ReadStore } from '../../src/read-store';
import { openMongoReadStore } from '../../src/read-store/mongodb';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import { startJongodb, type Jongodb } from '../support/jongodb';
import { appendAll, appendConcurrently, experience, ids, link, record } from '../support/log-fixtures';
import { dumpReadModels } from '../support/read-model-dump';
import { until } from './tessera-app';

/**
 * A re-derivation's computed values and audience memberships are committed with the re-derivation itself. The
 * process "dies" right after a re-derivation commit lands (from then on the store refuses every write, as a dead
 * process writes nothing): when the refresh was a commit of its own after it, the re-derived graphs kept the values
 * and memberships of the graphs they replaced, for good. A restarted projector must end where a rebuild ends,
 * computed values and memberships included, on SQLite and on MongoDB (jongodb).
 */
const KEY = 'refresh-test-key-0123456789';
let dir: string;
let jongodb: Jongodb;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-refresh-'));
  jongodb = await startJongodb();
}, 60_000);
/** What a test opened, closed after it: a MongoDB client left open keeps its monitors' timers, and jest, running. */
const opened: Array<{ close(): Promise<void> }> = [];
const closing = <T extends { close(): Promise<void> }>(handle: T): T => (opened.push(handle), handle);
afterEach(async () => {
  await Promise.all(opened.splice(0).map((handle) => handle.close()));
});
afterAll(async () => {
  await jongodb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const stores: Array<[string, (name: string) => Promise<ReadStore>]> = [
  ['sqlite', async (name) => closing(await openSqliteReadStore(join(dir, `${name}-${randomUUID()}.sqlite`)))],
  ['mongodb', async (name) => closing(await openMongoReadStore(jongodb.uri, { dbName: `tessera_refresh_${name}_${randomUUID().replace(/-/g, '')}` }))],
];

/** The store as a process sees it that dies right after `dies(checkpoint)` says the commit that landed was the one. */
class DyingStore {
  dead = false;
  landed: Checkpoint[] = [];

  constructor(private readonly dies: (checkpoint: Checkpoint, landed: Checkpoint[]) => boolean) {}

  wrap(store: ReadStore): ReadStore {
    return new Proxy(store, {
      get: (target, property) => {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'commit') {
          return async (batch: ReadModelBatch, checkpoint: Checkpoint) => {
            if (this.dead) throw new Error('the process is dead');
            await target.commit(batch, checkpoint);
            this.landed.push(checkpoint);
            if (this.dies(checkpoint, this.landed)) this.dead = true;
          };
        }
        if (property === 'commitComputed' || property === 'commitAudiences') {
          return async (...args: unknown[]) => {
            if (this.dead) throw new Error('the process is dead');
            return (value as (...a: unknown[]) => Promise<void>).apply(target, args);
          };
        }
        return value.bind(target);
      },
    });
  }
}

const projectorOn = (log: EventStore, store: ReadStore, rederiveChunkItems = 40) =>
  new Projector(log, store, { profileIdOf: (g) => profileIdOf(KEY, g), batchSize: 100, rederiveChunkItems });

async function project(log: EventStore, store: ReadStore, rederiveChunkItems?: number): Promise<void> {
  const projector = projectorOn(log, store, rederiveChunkItems);
  projector.start();
  try {
    expect(await projector.whenIdle(60_000)).toBe(true);
  } finally {
    // Also when it did not get idle in time: a projector left running keeps jest from exiting.
    await projector.stop();
  }
}

async function appendOne(log: EventStore, stream: string, event: DomainEvent, name: string): Promise<string> {
  return (await log.append(stream, [encode(event, deriveEventId(event.type, 'operator', name))])).position;
}

/**
 * Defined before any profile exists (no backfill, no window: nothing depends on the wall clock): a count of views,
 * an audience on it and on a CRM id, and one on the event itself (an anonymous count of the window engine).
 */
async function defineViews(log: EventStore): Promise<void> {
  await appendOne(log, COMPUTED_ATTRIBUTES_STREAM, { type: 'ComputedAttributeSaved', data: { name: 'views', version: 1, function: 'count', eventType: 'view' } } as DomainEvent, 'views');
  const audience = (audienceId: string, condition: unknown) =>
    appendOne(log, AUDIENCES_STREAM, { type: 'AudienceSaved', data: { audienceId, name: audienceId, condition, version: 1 } } as DomainEvent, audienceId);
  await audience('known_viewers', { and: [{ computed: 'views', op: 'gte', value: 1 }, { attribute: 'n', op: 'exists' }] });
  await audience('viewers', { event: { type: 'view' } });
}

/**
 * Every open membership of every profile: which profile is in which audience. Entry times are left out: an item's
 * entry is dated at the batch's last item of its graph, so it follows batch boundaries, which differ run to run.
 */
async function memberships(store: ReadStore): Promise<unknown[]> {
  const graphIds = (await dumpReadModels(store)).map((p) => p.graphId);
  return (await store.getMemberships(graphIds)).map(({ audienceId, graphId, doc }) => ({ audienceId, graphId, profileId: doc.profileId }));
}

async function expectEqualToRebuild(log: EventStore, live: ReadStore, fresh: ReadStore): Promise<void> {
  await project(log, fresh, Number.MAX_SAFE_INTEGER);
  const [liveDump, freshDump] = [await dumpReadModels(live), await dumpReadModels(fresh)];
  expect(liveDump.length).toBeGreaterThan(20);
  expect(liveDump.every((p) => p.computed !== undefined)).toBe(true);
  expect(liveDump).toEqual(freshDump);
  const [liveMembers, freshMembers] = [await memberships(live), await memberships(fresh)];
  expect(liveMembers.length).toBeGreaterThan(10);
  expect(liveMembers).toEqual(freshMembers);
}

/**
 * People of seven cookies each (a record on the first, links in a chain, a view on the last): a graph that a cap of 4
 * cuts. Only cookies, so a person's identity keys are next to each other in key order and a walk that has passed
 * them never comes back to them (with a CRM id and an e-mail, the walk would reach every graph again at the e-mails
 * after a restart and put a lost refresh right by chance).
 */
function cookiePeople(count: number): DomainEvent[] {
  const items: DomainEvent[] = [];
  const key = (i: number, c: number) => `ECID:q${String(i).padStart(3, '0')}-${c}`;
  for (let i = 0; i < count; i++) {
    items.push(record('web', i, ids(key(i, 0)), { n: i }));
    for (let c = 1; c < 7; c++) items.push(link(i * 10 + c, ids(key(i, c - 1), key(i, c))));
    items.push(experience(i, ids(key(i, 6)), 'view', { i }));
  }
  return items;
}

/** People with a CRM id, an e-mail and five cookies, who viewed once on the first. */
function people(count: number): DomainEvent[] {
  const items: DomainEvent[] = [];
  for (let i = 0; i < count; i++) {
    items.push(record('crm', i, ids(`CRMID:p${i}`, `Email:p${i}@x.com`), { n: i }));
    for (let c = 0; c < 5; c++) items.push(link(i * 10 + c, ids(`Email:p${i}@x.com`, `ECID:p${i}-c${c}`)));
    items.push(experience(i, ids(`ECID:p${i}-c0`), 'view', { i }));
  }
  return items;
}

describe.each(stores)('a re-derivation’s values and memberships commit with it (%s)', (_kind, openStore) => {
  it('a settings walk: the process dies right after a chunk commit, and the restarted walk ends where a rebuild ends', async () => {
    const log = closing(openSqliteEventStore(join(dir, `walk-events-${randomUUID()}.sqlite`)));
    const live = await openStore('walk-live');
    await defineViews(log);
    await appendAll(log, cookiePeople(60));
    await project(log, live);
    expect((await memberships(live)).length).toBe(120);

    // The cap of 4 cuts every person's graph: views and memberships stay with whichever graph keeps the last cookie.
    const settings = { type: 'IdentitySettingsChanged', data: { namespaces: DEFAULT_SETTINGS.namespaces, graphCap: 4, version: 1 } } as DomainEvent;
    const dying = new DyingStore((checkpoint, landed) => landed.filter((c) => c.step !== undefined).length === 3);
    const crashing = projectorOn(log, dying.wrap(live));
    crashing.start();
    const changedAt = await appendOne(log, SETTINGS_STREAM, settings, 'v1');
    await until(async () => dying.dead, (dead) => dead, 60_000);
    await crashing.stop();
    expect(await live.getRederiveJob('profiles')).toMatchObject({ rule: changedAt, chunks: 4 });

    await project(log, live);
    expect(await live.getRederiveJob('profiles')).toBeUndefined();
    await expectEqualToRebuild(log, live, await openStore('walk-fresh'));
  }, 240_000);

  it('a link rejection: the process dies right after the closure’s commit, and the restart ends where a rebuild ends', async () => {
    const log = closing(openSqliteEventStore(join(dir, `closure-events-${randomUUID()}.sqlite`)));
    const live = await openStore('closure-live');
    await defineViews(log);
    await appendConcurrently(log, people(30));
    // Ann and Bob share a tablet, which viewed: one graph (Ann's CRM id names it), a known viewer (her record has n). Rejecting Ann's
    // link to the tablet leaves her graph no view, and the tablet's (Bob's e-mail, no CRM id) a viewer, not a known one.
    await appendAll(log, [
      record('crm', 1, ids('CRMID:ann', 'Email:ann@x.com'), { n: 'ann' }),
      link(2, ids('Email:ann@x.com', 'ECID:tablet')),
      link(3, ids('Email:bob@x.com', 'ECID:tablet')),
      record('web', 4, ids('Email:bob@x.com'), { tier: 'silver' }),
      experience(7, ids('ECID:tablet'), 'view', {}),
    ]);
    await project(log, live);
    expect((await live.getComputedValues(['CRMID:ann']))[0]?.values).toMatchObject({ views: 1 });
    expect((await live.getMemberships(['CRMID:ann'])).map((m) => m.audienceId)).toEqual(['known_viewers', 'viewers']);

    const rejection = { type: 'LinkRejected', data: { rejectionId: 'rj1', from: { namespace: 'Email', id: 'ann@x.com' }, to: { namespace: 'ECID', id: 'tablet' }, reason: 'shared tablet' } } as DomainEvent;
    const rejectedAt = await appendOne(log, LINK_REJECTIONS_STREAM, rejection, 'rj1');
    const dying = new DyingStore((checkpoint) => checkpoint.position === rejectedAt);
    const crashing = projectorOn(log, dying.wrap(live));
    crashing.start();
    await until(async () => dying.dead, (dead) => dead, 60_000);
    await crashing.stop();
    expect(await live.getCheckpoint('profiles')).toBe(rejectedAt);

    // Nothing past the checkpoint: the restarted projector must still stop once idle (its stop() once never returned).
    await project(log, live);
    expect((await live.getComputedValues(['CRMID:ann']))[0]?.values).toMatchObject({ views: 0 });
    expect((await live.getComputedValues(['ECID:tablet']))[0]?.values).toMatchObject({ views: 1 });
    expect((await live.getMemberships(['CRMID:ann', 'ECID:tablet'])).map((m) => [m.graphId, m.audienceId])).toEqual([['ECID:tablet', 'viewers']]);
    await expectEqualToRebuild(log, live, await openStore('closure-fresh'));
  }, 240_000);
});
