import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WrongExpectedRevisionError } from '../../src/common/app-error';
import { heldFsync } from '../../src/common/sqlite/held-fsync.fixture';
import type { RecordedEvent } from '../../src/event-store';
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

  describe('the durable watermark: commits at synchronous=NORMAL, nothing handed over before its fsync', () => {
    const turns = async (n = 5) => {
      for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    /** Whether a promise has settled yet, without waiting for it. */
    const settled = (promise: Promise<unknown>) => {
      const state = { settled: false };
      promise.then(
        () => (state.settled = true),
        () => (state.settled = true),
      );
      return state;
    };
    /** Rows in the file as another connection sees them: what is committed, durable or not. */
    const committedRows = () => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const follow = (subscription: AsyncIterable<RecordedEvent>) => {
      const seen: RecordedEvent[] = [];
      const ended = (async () => {
        for await (const event of subscription) seen.push(event);
      })();
      return { seen, ended };
    };

    it('acknowledges an append and shows it to subscribers and reads only after an fsync started after its commit', async () => {
      await store.close();
      const held = heldFsync();
      store = openSqliteEventStore(file, { fsync: held.fsync, pollIntervalMs: 5 });
      try {
        const { seen } = follow(store.subscribeToAll());
        const stream = newStream();
        const appending = store.append(stream, newEvents(2));
        const acked = settled(appending);
        await turns();
        expect(committedRows()).toBe(2);
        expect(held.started).toHaveLength(1);
        const reads = [store.readAll(), store.readStream(stream), store.headPosition()];
        const read = reads.map(settled);
        await turns();
        // Committed, woken, polled several times: still nothing handed to anyone.
        expect([acked.settled, seen.length, ...read.map((r) => r.settled)]).toEqual([false, 0, false, false, false]);
        held.started[0].done();
        const result = await appending;
        const [all, inStream, head] = await Promise.all(reads);
        expect((all as RecordedEvent[]).map((e) => e.revision)).toEqual([0, 1]);
        expect(inStream).toHaveLength(2);
        expect(head).toBe(result.position);
        await turns();
        expect(seen.map((e) => e.position)).toEqual(result.events.map((e) => e.position));
        // Past the watermark now: reading it again needs no fsync.
        await store.readAll();
        expect(held.started).toHaveLength(1);
      } finally {
        held.release();
      }
    });

    it('holds the appends that arrive while a sync runs, commits them together after it, and acknowledges them after their own', async () => {
      await store.close();
      const held = heldFsync();
      store = openSqliteEventStore(file, { fsync: held.fsync });
      try {
        const first = store.append(newStream(), [newEvent()]);
        await turns(2);
        expect([committedRows(), held.started.length]).toEqual([1, 1]);
        const second = store.append(newStream(), [newEvent()]);
        await turns(2);
        const third = store.append(newStream(), [newEvent()]);
        const later = settled(Promise.all([second, third]));
        await turns(2);
        // They would wait for the next sync anyway: committed in one transaction once this one is done.
        expect([committedRows(), store.stats().transactions]).toEqual([1, 1]);
        held.started[0].done();
        await first;
        await turns(2);
        expect([committedRows(), store.stats().transactions, held.started.length]).toEqual([3, 2, 2]);
        expect(later.settled).toBe(false);
        held.started[1].done();
        await Promise.all([second, third]);
      } finally {
        held.release();
      }
    });

    it('rejects the appends whose fsync failed, never shows their events, and refuses the log from then on', async () => {
      await store.close();
      const held = heldFsync();
      store = openSqliteEventStore(file, { fsync: held.fsync, pollIntervalMs: 5 });
      try {
        const stream = newStream();
        const durable = store.append(stream, [newEvent()]);
        await turns(2);
        held.started[0].done();
        await durable;
        const { seen, ended } = follow(store.subscribeToAll());
        await turns(2);
        expect(seen).toHaveLength(1);
        const lost = store.append(stream, newEvents(2), 0);
        await turns(2);
        expect(committedRows()).toBe(3);
        held.started[1].fail(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
        await expect(lost).rejects.toMatchObject({ name: 'LogNotDurableError' });
        await expect(ended).rejects.toMatchObject({ name: 'LogNotDurableError' });
        expect(seen).toHaveLength(1);
        // Refused before any commit: nothing more reaches the file, and no fsync is tried again.
        await expect(store.append(newStream(), [newEvent()])).rejects.toMatchObject({ name: 'LogNotDurableError' });
        expect(committedRows()).toBe(3);
        await expect(store.readStream(stream)).rejects.toMatchObject({ name: 'LogNotDurableError' });
        await expect(store.headPosition()).rejects.toMatchObject({ name: 'LogNotDurableError' });
        // What was durable before the failure stays readable.
        expect(await store.readStream(stream, { limit: 1 })).toHaveLength(1);
        expect(held.started).toHaveLength(2);
      } finally {
        held.release();
      }
    });

    it("lets a reader on another connection sync the writer's commit itself: it cannot know the writer's watermark", async () => {
      await store.close();
      const writerHeld = heldFsync();
      const readerHeld = heldFsync();
      store = openSqliteEventStore(file, { fsync: writerHeld.fsync });
      const reader = openSqliteEventStore(file, { fsync: readerHeld.fsync });
      try {
        const appending = store.append(newStream(), [newEvent()]);
        const acked = settled(appending);
        await turns(2);
        const reading = reader.readAll();
        const read = settled(reading);
        await turns(2);
        expect([read.settled, readerHeld.started.length]).toEqual([false, 1]);
        readerHeld.started[0].done();
        expect(await reading).toHaveLength(1);
        // The writer still waits for its own fsync before it acknowledges.
        expect(acked.settled).toBe(false);
        writerHeld.started[0].done();
        await appending;
      } finally {
        writerHeld.release();
        readerHeld.release();
        await reader.close();
      }
    });
  });
});
