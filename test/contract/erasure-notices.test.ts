import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityKey } from '../../projections/model';
import type { ChangeItem } from '../../projections/change-feed';
import { deriveEventId, encode } from '../../src/events';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import type { EventStore } from '../../src/event-store/event-store.port';
import { Projector } from '../../src/projector';
import { profileIdOf } from '../../src/read-models';
import { openReadStore, positionKey, type ReadStore } from '../../src/read-store';
import { startJongodb, type Jongodb } from '../support/jongodb';
import { appendAll, ids, record } from '../support/log-fixtures';
import { storedFeed } from '../support/read-model-dump';

/**
 * Issue 15: the profile.erased notices are committed by the projector with the SubjectErased event, at its position,
 * like any batch item, so a feed reader (in whatever process, whoever writes the purge) meets them in log order and
 * cannot have paged past them. Before, the API wrote them at the purge after the checkpoint it read then, and with
 * MongoDB and an external projector a batch committed meanwhile could already have been read past. The purge that
 * follows writes no notice of its own. A rebuild from the log writes the same notices.
 */
const HASH_KEY = 'erasure-notices-key-0123456789';
const profileOf = (graphId: string) => profileIdOf(HASH_KEY, graphId);


describe.each(['sqlite', 'mongodb'] as const)('erasure notices (%s read store)', (kind) => {
  let dir: string;
  let jongodb: Jongodb | undefined;
  let log: EventStore;
  const stores: ReadStore[] = [];
  const open = async (name: string) => {
    const store = kind === 'sqlite'
      ? await openReadStore({ kind: 'sqlite', file: join(dir, `${name}.sqlite`) })
      : await openReadStore({ kind: 'mongodb', url: jongodb!.uri, dbName: `notices_${process.pid}_${name}` });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-erasure-notices-'));
    if (kind === 'mongodb') jongodb = await startJongodb();
    log = openSqliteEventStore(join(dir, 'events.sqlite'));
  }, 30_000);
  afterAll(async () => {
    for (const store of stores) await store.close();
    await log.close();
    await jongodb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are in the feed, at the erasure’s position, as soon as the read models cover it; the purge adds none', async () => {
    const store = await open('live');
    const projector = new Projector(log, store, { profileIdOf: profileOf, batchSize: 2 });
    projector.start();
    try {
      const subject = ids('CRMID:gone');
      await appendAll(log, [record('crm', 1, subject, { a: 1 }), record('crm', 2, ids('CRMID:kept'), { b: 1 })]);
      const erasedProfiles = [profileOf(identityKey(subject[0]))];
      const data = { requestId: 'r1', at: new Date().toISOString(), counts: { records: 1, events: 0, links: 0, identities: 1 }, rederive: false, erasedProfiles };
      const erasure = await log.append('r1/erased', [encode({ type: 'SubjectErased', data }, deriveEventId('SubjectErased', 'privacy', 'r1'))]);
      const later = await appendAll(log, [record('crm', 3, ids('CRMID:later'), { c: 1 })]);
      expect(await projector.whenProcessed(erasure.position, 10_000)).toBe(true);
      const key = positionKey(erasure.position);
      const covered = await storedFeed(store);
      const notices = covered.filter((i) => i.type === 'profile.erased');
      expect(notices).toEqual([{ id: `${key}-00000000`, type: 'profile.erased', at: expect.any(String), profileId: erasedProfiles[0] }]);
      expect(await projector.whenProcessed(later, 10_000)).toBe(true);
      const ids_ = (await storedFeed(store)).map((i) => i.id);
      expect(ids_).toEqual([...ids_].sort());
      expect(ids_.filter((id) => id > notices[0].id).length).toBeGreaterThan(0);

      await store.eraseSubjects({ identityKeys: [identityKey(subject[0])], streams: [], rewrittenEvents: [], feed: { profileIds: erasedProfiles, at: Date.now(), noticed: true } });
      const after = await storedFeed(store);
      expect(after.filter((i) => JSON.stringify(i).includes(erasedProfiles[0]))).toEqual(notices);

      const rebuilt = await open('rebuild');
      const rebuild = new Projector(log, rebuilt, { name: 'rebuild', profileIdOf: profileOf, batchSize: 500 });
      rebuild.start();
      try {
        expect(await rebuild.whenIdle()).toBe(true);
        expect((await storedFeed(rebuilt)).filter((i) => i.type === 'profile.erased')).toEqual(notices);
      } finally {
        await rebuild.stop();
      }
    } finally {
      await projector.stop();
    }
  }, 60_000);
});
