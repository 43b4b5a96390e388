import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WrongExpectedRevisionError } from '../../src/common/app-error';
import { openSqliteEventStore, type SqliteEventStore } from '../../src/event-store/sqlite';
import type { SqliteLogSubscription } from '../../src/event-store/sqlite/sqlite-log-subscription';
import { inStreams, newEvent, newEvents, newStream, take } from '../support/event-store-fixtures';
import { describeEventStoreContract } from './event-store.contract';

describeEventStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-es-'));
  const store = openSqliteEventStore(join(dir, 'events.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    buffered: (subscription) => (subscription as SqliteLogSubscription).buffered,
  };
});

describe('SQLite event store specifics', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-es-'));
    file = join(dir, 'events.db');
    store = openSqliteEventStore(file);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('group commit', () => {
    it('coalesces appends made in the same turn into one transaction', async () => {
      const before = store.stats();
      const results = await Promise.all(Array.from({ length: 64 }, () => store.append(newStream(), [newEvent()])));
      const after = store.stats();
      expect(results).toHaveLength(64);
      expect(after.transactions - before.transactions).toBe(1);
      expect(after.eventsAppended - before.eventsAppended).toBe(64);
      expect(after.largestBatch).toBeGreaterThanOrEqual(64);
    });

    it('bounds the number of appends one transaction serves', async () => {
      await store.close();
      store = openSqliteEventStore(file, { maxBatchAppends: 10 });
      await Promise.all(Array.from({ length: 25 }, () => store.append(newStream(), [newEvent()])));
      expect(store.stats()).toMatchObject({ transactions: 3, appends: 25, eventsAppended: 25, largestBatch: 10 });
    });

    it('fails only the append that conflicts; the others of the batch land', async () => {
      const [s1, s2] = [newStream(), newStream()];
      const before = store.stats().transactions;
      const outcomes = await Promise.allSettled([
        store.append(s1, [newEvent()], 'no_stream'),
        store.append(s1, [newEvent()], 'no_stream'),
        store.append(s2, newEvents(2), 'no_stream'),
      ]);
      expect(store.stats().transactions - before).toBe(1);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(s1)).length + (await store.readStream(s2)).length).toBe(3);
    });

    it('rolls back a failing append half-way through without touching its batch neighbours', async () => {
      const [bad, good] = [newStream(), newStream()];
      const unserialisable = { ...newEvent(), data: { n: 1n } as unknown as Record<string, unknown> };
      const outcomes = await Promise.allSettled([
        store.append(bad, [newEvent(), unserialisable]),
        store.append(good, [newEvent()]),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
      expect(await store.readStream(bad)).toEqual([]);
      expect(await store.readStream(good)).toHaveLength(1);
      expect((await store.append(bad, [newEvent()], 'no_stream')).nextExpectedRevision).toBe(0);
    });

    it('stores an eventId appended to two streams in the same batch once', async () => {
      const event = newEvent();
      const [a, b] = await Promise.all([store.append(newStream(), [event]), store.append(newStream(), [event])]);
      expect([a.events[0].duplicate, b.events[0].duplicate]).toEqual([false, true]);
      expect(b.position).toBe(a.position);
    });

    it('finishes submitted appends before closing', async () => {
      const stream = newStream();
      const pending = store.append(stream, newEvents(3));
      await store.close();
      await expect(pending).resolves.toMatchObject({ nextExpectedRevision: 2 });
      store = openSqliteEventStore(file);
      expect(await store.readStream(stream)).toHaveLength(3);
    });
  });

  describe('the file', () => {
    it('keeps the log, positions and log time across a reopen', async () => {
      const stream = newStream();
      const first = await store.append(stream, newEvents(2));
      await store.close();
      store = openSqliteEventStore(file);
      const second = await store.append(stream, [newEvent()], 1);
      expect(Number(second.position)).toBeGreaterThan(Number(first.position));
      const times = (await store.readStream(stream)).map((e) => e.recordedAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it('is in WAL mode', () => {
      const db = new Database(file, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    });

    it("lets a subscription on another connection see this one's appends", async () => {
      const reader = openSqliteEventStore(file, { pollIntervalMs: 10 });
      try {
        const subscription = reader.subscribeToAll({ after: await reader.headPosition() });
        const stream = newStream();
        const received = take(subscription, 2, inStreams(stream));
        await store.append(stream, newEvents(2));
        expect((await received).map((e) => e.revision)).toEqual([0, 1]);
      } finally {
        await reader.close();
      }
    });

    it('answers calls after close as unavailable, not as a server fault', async () => {
      await store.close();
      const closed = { code: 'EVENT_STORE_CLOSED', status: 503 };
      await expect(store.append(newStream(), [newEvent()])).rejects.toMatchObject(closed);
      await expect(store.readAll()).rejects.toMatchObject(closed);
      store = openSqliteEventStore(file);
    });

    it('rejects a position that is not one of this log', async () => {
      await expect(store.readAll({ after: '12/13' })).rejects.toMatchObject({ code: 'POSITION_INVALID', status: 400 });
    });
  });
});
