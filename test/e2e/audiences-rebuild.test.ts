import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import type { EventStore } from '../../src/event-store/event-store.port';
import { Projector } from '../../src/projector';
import { openReadStore, type ReadStore } from '../../src/read-store';
import { AudienceMembershipsReader } from '../../src/audiences/audience-memberships.reader';
import { appendAll, appendTogether, defineAudience, defineComputed, experience, ids, record } from '../support/log-fixtures';
import type { ChangeItem } from '../../projections/change-feed';
import { dumpReadModels, storedFeed, type DumpedProfile } from '../support/read-model-dump';
import { startJongodb, type Jongodb } from '../support/jongodb';
import { clockPast, until } from './tessera-app';

/**
 * DESIGN.md "Deterministic", for windows: a live run in which purchases enter a windowed audience and later exit
 * it when their window lapses (no new event), then a rebuild from the same log once every window has lapsed. The
 * rebuild folds each item as of its log time and applies the lapses at their own moments, so it records the same
 * memberships, entries and exits with the same times and causes as the live run, and the same history.
 */
const profileIdOf = (graphId: string) => `p-${graphId}`;
const WINDOW_MS = 2_000;

type Harness = { open(): Promise<ReadStore>; close(): Promise<void> };

const sqlite = (dir: () => string): Harness => ({
  open: () => openReadStore({ kind: 'sqlite', file: join(dir(), `${randomUUID()}.sqlite`) }),
  close: async () => undefined,
});

let jongodb: Jongodb | undefined;
const mongodb: Harness = {
  open: async () => {
    jongodb ??= await startJongodb();
    return openReadStore({ kind: 'mongodb', url: jongodb.uri, dbName: `tessera_ar_${randomUUID().replace(/-/g, '')}` });
  },
  close: async () => {
    await jongodb?.stop();
    jongodb = undefined;
  },
};

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'tessera-audiences-rebuild-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['SQLite', sqlite(() => dir)],
  ['MongoDB (jongodb)', mongodb],
])('audiences: a rebuild after the windows lapsed equals the live run (%s read store)', (_name, harness) => {
  let log: EventStore;
  const stores: ReadStore[] = [];
  beforeAll(() => (log = openSqliteEventStore(join(dir, `${randomUUID()}-events.sqlite`))));
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await log.close();
    await harness.close();
  });
  const open = async () => {
    const store = await harness.open();
    stores.push(store);
    return store;
  };
  /** The whole log folded into a fresh store by a projector of this batch size, until idle. */
  const foldedWith = async (own: EventStore, name: string, batchSize: number) => {
    const store = await open();
    const projector = new Projector(own, store, { name, profileIdOf, batchSize });
    projector.start();
    try {
      expect(await projector.whenIdle()).toBe(true);
    } finally {
      await projector.stop();
    }
    return store;
  };

  it('memberships (entries, lapse exits, re-entries) and history are the same', async () => {
    // Defined before any profile exists: no backfill, so every move is an item's or a lapse's.
    await defineComputed(log, 'recentSpend', { function: 'sum', field: 'total', eventType: 'purchase', window: { last: '2s' } });
    await defineAudience(log, 'recent', { event: { type: 'purchase' }, window: { last: '2s' } });
    await defineAudience(log, 'quiet', { and: [{ attribute: 'tier', op: 'exists' }, { event: { type: 'purchase' }, window: { last: '2s' }, count: { op: 'eq', value: 0 } }] });
    await defineAudience(log, 'recentGold', { and: [{ audience: 'recent', op: 'member' }, { attribute: 'tier', op: 'eq', value: 'gold' }] });

    const live = await open();
    const projector = new Projector(log, live, { profileIdOf, batchSize: 7 });
    projector.start();
    try {
      const now = Date.now();
      const people = ['ann', 'ben', 'cid', 'dee'];
      await appendAll(log, people.map((p, i) => record('crm', now, ids(`CRMID:${p}`), { tier: i % 2 ? 'gold' : 'silver' })));
      await appendAll(log, [
        experience(now, ids('CRMID:ann'), 'purchase', { total: 3 }),
        // Logged 1 s after its own time: it lapses a second after it is logged.
        experience(now - 1_000, ids('CRMID:ben'), 'purchase', { total: 4 }),
        // Dated 1 s ahead: it enters when the clock reaches it, then lapses.
        experience(now + 1_000, ids('CRMID:cid'), 'purchase', { total: 5 }),
        experience(now, ids('CRMID:dee'), 'view'),
      ]);
      expect(await projector.whenIdle()).toBe(true);
      await clockPast(now + 1_000 + WINDOW_MS);
      // Live: every lapse is applied by the timer, with no new event.
      const recent = async () => (await live.countMembers(['recent'])).get('recent');
      expect(await until(recent, (n) => n === 0, 2_000)).toBe(0);
      // Ann buys again after her lapse: she enters once more, at the new item.
      await appendAll(log, [experience(Date.now(), ids('CRMID:ann'), 'purchase', { total: 1 })]);
      expect(await projector.whenIdle()).toBe(true);
      await clockPast(Date.now() + WINDOW_MS);
      expect(await until(recent, (n) => n === 0, 2_000)).toBe(0);
    } finally {
      await projector.stop();
    }
    const liveDump = await dumpReadModels(live);
    const intervals = liveDump.flatMap((p) => p.memberships ?? []);
    const causes = (audienceId: string) => intervals.filter((m) => m.audienceId === audienceId).map((m) => [(m.doc as Causes).cause?.kind, (m.doc as Causes).exitCause?.kind]);
    // ann twice, ben once (logged inside its window), cid once (entered when its time came): each exits by lapse.
    expect(causes('recent').sort()).toEqual([['item', 'windowLapse'], ['item', 'windowLapse'], ['item', 'windowLapse'], ['windowLapse', 'windowLapse']].sort());
    expect(causes('recentGold')).toEqual([['item', 'windowLapse']]);

    // Later: every window has lapsed when the rebuild folds the log.
    const fresh = await open();
    const rebuild = new Projector(log, fresh, { name: 'rebuild', profileIdOf, batchSize: 1000 });
    rebuild.start();
    try {
      expect(await rebuild.whenIdle()).toBe(true);
    } finally {
      await rebuild.stop();
    }
    const freshDump = await dumpReadModels(fresh);
    expect(freshDump).toEqual(liveDump);
    expect(liveDump.length).toBe(4);
    expect(await historyOf(fresh, freshDump)).toEqual(await historyOf(live, liveDump));
    // The feed, ids included: a lapse's items are numbered after the log entry it follows in log time, at its own
    // moment, so a consumer deduplicating by id meets the same items after a rebuild.
    const [liveFeed, freshFeed] = [await storedFeed(live), await storedFeed(fresh)];
    expect(freshFeed).toEqual(liveFeed);
    expect(liveFeed.filter((i) => AFTER_CHECKPOINT.test(i.id)).length).toBeGreaterThan(0);
    for (const type of ['computed.changed', 'audience.entered', 'audience.exited']) expect(liveFeed.map((i) => i.type)).toContain(type);
  }, 60_000);

  it('a profile that leaves and re-enters in one millisecond keeps every transition, whatever the batch sizes', async () => {
    const own = openSqliteEventStore(join(dir, `${randomUUID()}-events.sqlite`));
    try {
      await defineAudience(own, 'gold', { attribute: 'tier', op: 'eq', value: 'gold' });
      const t = Date.now();
      // One append: the three records share one log time. Gold, silver, gold: in, out, in, in the same millisecond.
      await appendTogether(own, ['gold', 'silver', 'gold'].map((tier) => record('crm', t, ids('CRMID:gus'), { tier })));
      const dumps = [];
      const feeds: ChangeItem[][] = [];
      for (const batchSize of [1, 1000]) {
        const store = await foldedWith(own, `same-ms-${batchSize}`, batchSize);
        const dump = await dumpReadModels(store);
        const [gus] = dump;
        expect((gus!.memberships ?? []).map((m) => [m.audienceId, m.enteredAt === m.exitedAt, m.exitedAt === null])).toEqual([['gold', true, false], ['gold', false, true]]);
        expect(await store.countMembers(['gold'])).toEqual(new Map([['gold', 1]]));
        const feed = await storedFeed(store);
        expect(feed.filter((i) => i.audienceId === 'gold').map((i) => i.type)).toEqual(['audience.entered', 'audience.exited', 'audience.entered']);
        dumps.push(dump);
        feeds.push(feed);
      }
      expect(dumps[1]).toEqual(dumps[0]);
      expect(feeds[1]).toEqual(feeds[0]);
    } finally {
      await own.close();
    }
  }, 30_000);

  it('items of one profile that move nothing do not cut a batch, and those that do keep their own times, whatever the batch sizes', async () => {
    const own = openSqliteEventStore(join(dir, `${randomUUID()}-events.sqlite`));
    try {
      await defineAudience(own, 'gold', { attribute: 'tier', op: 'eq', value: 'gold' });
      await defineAudience(own, 'buyer', { event: { type: 'purchase' }, window: { last: '1h' } });
      await defineAudience(own, 'goldBuyer', { and: [{ audience: 'gold', op: 'member' }, { audience: 'buyer', op: 'member' }] });
      const start = Date.now();
      // Each its own log time. Silver again, the view and gold again leave every membership as it was; the
      // purchase, the first gold and the last silver move some: each transition is dated at its own item.
      const items = [
        record('crm', start, ids('CRMID:gus'), { tier: 'silver' }),
        record('crm', start, ids('CRMID:gus'), { tier: 'silver' }),
        experience(start, ids('CRMID:gus'), 'purchase'),
        experience(start, ids('CRMID:gus'), 'view'),
        record('crm', start, ids('CRMID:gus'), { tier: 'gold' }),
        record('crm', start, ids('CRMID:gus'), { tier: 'gold' }),
        record('crm', start, ids('CRMID:gus'), { tier: 'silver' }),
      ];
      const loggedAt: number[] = [];
      for (const item of items) {
        await new Promise((resolve) => setTimeout(resolve, 3));
        await appendAll(own, [item]);
        loggedAt.push((await own.readStream('subject-test')).at(-1)!.recordedAt.getTime());
      }
      const dumps = [];
      const feeds: ChangeItem[][] = [];
      for (const batchSize of [1, 1000]) {
        const store = await foldedWith(own, `moves-${batchSize}`, batchSize);
        const dump = await dumpReadModels(store);
        const [gus] = dump;
        const intervals = (gus!.memberships ?? []).map((m) => [m.audienceId, m.enteredAt, m.exitedAt ?? null]);
        expect(intervals.sort()).toEqual([
          ['buyer', loggedAt[2], null],
          ['gold', loggedAt[4], loggedAt[6]],
          ['goldBuyer', loggedAt[4], loggedAt[6]],
        ]);
        dumps.push(dump);
        feeds.push(await storedFeed(store));
      }
      expect(dumps[1]).toEqual(dumps[0]);
      expect(feeds[1]).toEqual(feeds[0]);
    } finally {
      await own.close();
    }
  }, 30_000);

  it('a lapse between two items of other profiles keeps its feed ids whatever the batch sizes', async () => {
    const own = openSqliteEventStore(join(dir, `${randomUUID()}-events.sqlite`));
    try {
      await defineAudience(own, 'recent', { event: { type: 'purchase' }, window: { last: '2s' } });
      const start = Date.now();
      const others = ['cid', 'dee', 'eve', 'fay'];
      await appendAll(own, ['ann', 'ben', ...others].map((p) => record('crm', start, ids(`CRMID:${p}`), { tier: 'gold' })));
      // Ann's and Ben's purchases lapse 150 ms and 300 ms after they are logged, while others' items go on: each
      // lapse falls between two items of other profiles, in the middle of a rebuild's batch of a thousand.
      await appendAll(own, [experience(Date.now() - 1_850, ids('CRMID:ann'), 'purchase'), experience(Date.now() - 1_700, ids('CRMID:ben'), 'purchase')]);
      for (const p of others) {
        await new Promise((resolve) => setTimeout(resolve, 120));
        await appendAll(own, [experience(Date.now(), ids(`CRMID:${p}`), 'view')]);
      }
      await clockPast(Date.now() + WINDOW_MS);
      const feeds: ChangeItem[][] = [];
      for (const batchSize of [1, 1000]) {
        const store = await foldedWith(own, `rebuild-${batchSize}`, batchSize);
        feeds.push(await storedFeed(store));
      }
      const exits = feeds[0]!.filter((i) => i.type === 'audience.exited');
      // Ann and Ben exit by lapse, each once.
      expect(exits).toHaveLength(2);
      expect(feeds[1]).toEqual(feeds[0]);
    } finally {
      await own.close();
    }
  }, 30_000);
});

/** Written after a checkpoint by time-driven work (a lapse): `<position>-e<moment><ordinal>`. */
const AFTER_CHECKPOINT = /-e\d+$/;

type Causes = { cause?: { kind: string }; exitCause?: { kind: string } };

/** What a profile's history shows of its memberships: the transitions by the log event that caused them. */
async function historyOf(store: ReadStore, dump: DumpedProfile[]) {
  const reader = new AudienceMembershipsReader(store);
  return Promise.all(dump.map(async (p) => [...(await reader.transitionsByEvent([p.graphId]))].sort(([a], [b]) => (a < b ? -1 : 1))));
}
