import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveEventId } from '../../src/events';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import { MAIN_PROJECTOR, Projector } from '../../src/projector';
import { profileIdOf } from '../../src/read-models';
import { openMongoReadStore } from '../../src/read-store/mongodb';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import { ReadModelRejectedError, type ReadStore } from '../../src/read-store';
import { AUDIENCES_STREAM } from '../../src/audiences/audience-definitions.service';
import type { DomainEvent } from '../../src/events';
import { appendAll, ids, record } from '../support/log-fixtures';
import { startJongodb, type Jongodb } from '../support/jongodb';

/**
 * A read-model write MongoDB can never take (here: a fragment over the adapter's document bound) used to come back
 * as a 503 the projector retried forever. It now parks the projector right before the refused event, naming it.
 */
let jongodb: Jongodb;
let dir: string;
beforeAll(async () => {
  jongodb = await startJongodb();
  dir = mkdtempSync(join(tmpdir(), 'tessera-park-'));
});
afterAll(async () => {
  await jongodb.stop();
  rmSync(dir, { recursive: true, force: true });
});

const until = async (condition: () => boolean, deadlineMs = 30_000) => {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 5));
  }
};

it('parks on an event whose writes the store refuses for good, naming it, with the checkpoint right before it', async () => {
  const log = openSqliteEventStore(join(dir, 'events.sqlite'));
  const store = await openMongoReadStore(jongodb.uri, { dbName: `tessera_park_${randomUUID().replace(/-/g, '')}` });
  const before = record('crm', 1, ids('CRMID:a'), { tier: 'gold' });
  const huge = record('crm', 2, ids('CRMID:b'), { notes: 'x'.repeat(5 * 1024 * 1024) });
  const after = record('crm', 3, ids('CRMID:c'), { tier: 'silver' });
  const beforeAt = await appendAll(log, [before]);
  await appendAll(log, [huge, after]);
  const hugeId = deriveEventId('RecordIngested', 'crm', (huge.data as { itemId: string }).itemId);

  const projector = new Projector(log, store, { profileIdOf: (g) => profileIdOf('park-test-key', g), batchSize: 10 });
  projector.start();
  await until(() => projector.parkedAt !== undefined);
  await projector.stop();

  expect(projector.parkedAt).toMatchObject({ eventId: hugeId, type: 'RecordIngested' });
  expect(projector.parkedAt?.reason).toContain('fragment document');
  expect(projector.lastError).toContain(hugeId);
  expect(await store.getCheckpoint(MAIN_PROJECTOR)).toBe(beforeAt);
  expect((await store.getFragmentsOfPrimaries(['CRMID:a'])).length).toBe(1);
  expect(await store.getFragmentsOfPrimaries(['CRMID:b', 'CRMID:c'])).toEqual([]);
  await Promise.all([store.close(), log.close()]);
}, 60_000);

/**
 * On SQLite a segment's parts are one whole group with no savepoint each: a refusal takes the group back, and the
 * projector folds the segment again part by part to name the refused event, keeping the parts and events before it.
 * A store that refuses one identity's fragment stands in for a write SQLite cannot take.
 */
it('parks on a refused event inside a segment of several parts on SQLite, keeping the parts before it', async () => {
  const log = openSqliteEventStore(join(dir, 'events-sqlite.sqlite'));
  const sqlite = await openSqliteReadStore(join(dir, 'read-sqlite.sqlite'));
  const refusing = new Proxy(sqlite, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (property !== 'commit' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: Parameters<ReadStore['commit']>) =>
        args[0].fragments?.upsert?.some((f) => f.primaryKey === 'CRMID:b')
          ? Promise.reject(new ReadModelRejectedError('fragment document over the bound'))
          : (value as ReadStore['commit']).apply(target, args);
    },
  });
  const saved = { type: 'AudienceSaved', data: { audienceId: 'gold', name: 'gold', condition: { attribute: 'tier', op: 'eq', value: 'gold' }, version: 1 } } as DomainEvent;
  await appendAll(log, [saved], AUDIENCES_STREAM);
  // The second record of CRMID:a moves its membership again: a part of its own (commitSegment), then the refused one.
  await appendAll(log, [record('crm', 1, ids('CRMID:a'), { tier: 'silver' })]);
  const beforeAt = await appendAll(log, [record('crm', 2, ids('CRMID:a'), { tier: 'gold' })]);
  const huge = record('crm', 3, ids('CRMID:b'), { notes: 'big' });
  await appendAll(log, [huge, record('crm', 4, ids('CRMID:c'), { tier: 'gold' })]);
  const hugeId = deriveEventId('RecordIngested', 'crm', (huge.data as { itemId: string }).itemId);

  const projector = new Projector(log, refusing, { profileIdOf: (g) => profileIdOf('park-test-key', g), batchSize: 10 });
  try {
    projector.start();
    await until(() => projector.parkedAt !== undefined);
    await projector.stop();

    expect(projector.parkedAt).toMatchObject({ eventId: hugeId, type: 'RecordIngested' });
    expect(await sqlite.getCheckpoint(MAIN_PROJECTOR)).toBe(beforeAt);
    expect((await sqlite.getFragmentsOfPrimaries(['CRMID:a']))[0]?.doc).toMatchObject({ leaves: [{ path: 'tier', value: 'gold' }] });
    expect(await sqlite.getFragmentsOfPrimaries(['CRMID:b', 'CRMID:c'])).toEqual([]);
    expect((await sqlite.getMemberships(['CRMID:a'])).map((m) => m.audienceId)).toEqual(['gold']);
  } finally {
    await projector.stop();
    await Promise.all([sqlite.close(), log.close()]);
  }
}, 60_000);
