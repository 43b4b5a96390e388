import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Position, RecordedEvent } from '../event-store';
import { openSqliteEventStore, type SqliteEventStore } from '../event-store/sqlite';
import { takeBatches } from '../projector/take-batches';
import { BoundedLog, scanLog } from './rebuild-bounded-log';

/**
 * The rebuild fills its batches while its subscription has not caught up (fillBatchesUntilCaughtUp), so the bounded
 * view must say "caught up" only once the event at the bound is handed over. It said so at once, and every batch of
 * a rebuild ended at the SQLite subscription's first turn (16 pages of 256: 4,096 events) whatever its size.
 */
describe('BoundedLog subscription', () => {
  const TOTAL = 5_000;
  const BOUND = 4_500;
  let dir: string;
  let store: SqliteEventStore;
  let head: Position;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-bounded-'));
    store = openSqliteEventStore(join(dir, 'events.db'));
    for (let i = 0; i < TOTAL; i += 500) {
      await store.append(`s-${i}`, Array.from({ length: 500 }, (_, j) => ({ eventId: randomUUID(), type: 'Counted', data: { n: i + j } })));
    }
    const extent = await scanLog(store);
    expect(extent.count).toBe(TOTAL);
    // Pages of the log's own size (readAll caps a page) up to the BOUND-th event.
    const prefix: RecordedEvent[] = [];
    while (prefix.length < BOUND) prefix.push(...(await store.readAll({ after: prefix.at(-1)?.position, limit: BOUND - prefix.length })));
    head = prefix[BOUND - 1].position;
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves caughtUp only when the event at the bound is handed over, and delivers nothing past it', async () => {
    const subscription = new BoundedLog(store, head).subscribeToAll();
    let caughtUp = false;
    void subscription.caughtUp.then(() => (caughtUp = true));
    const iterator = subscription[Symbol.asyncIterator]();
    const seen: { n: number; caughtUpBefore: boolean }[] = [];
    for (let i = 0; i < BOUND; i++) {
      const next = await iterator.next();
      seen.push({ n: (next.value as RecordedEvent).data.n as number, caughtUpBefore: caughtUp });
    }
    expect(seen.map((s) => s.n)).toEqual(Array.from({ length: BOUND }, (_, i) => i));
    // Up to the event before the bound, nobody may have been told "caught up" (the bound's own event may carry it).
    expect(seen.slice(0, BOUND - 1).filter((s) => s.caughtUpBefore)).toEqual([]);
    await subscription.caughtUp;
    expect(caughtUp).toBe(true);
    // Past the bound the view is a quiet log: the next pull waits until close, and ends without an event.
    const after = iterator.next();
    await subscription.close();
    expect(await after).toEqual({ done: true, value: undefined });
  });

  it('lets a rebuild fill one batch with the whole prefix, as the projector drives it', async () => {
    const subscription = new BoundedLog(store, head).subscribeToAll();
    let behind = true;
    void subscription.caughtUp.then(() => (behind = false));
    const batches = takeBatches(subscription, 20_000, { fillWhile: () => behind });
    const first = await batches.next();
    expect((first.value as RecordedEvent[]).length).toBe(BOUND);
    await subscription.close();
    await batches.return(undefined);
  });

  it('is caught up at once over an empty prefix, and after a bound already passed', async () => {
    const empty = new BoundedLog(store, undefined).subscribeToAll();
    await empty.caughtUp;
    await empty.close();
    const passed = new BoundedLog(store, head).subscribeToAll({ after: head });
    await passed.caughtUp;
    const next = passed[Symbol.asyncIterator]().next();
    await passed.close();
    expect(await next).toEqual({ done: true, value: undefined });
  });
});
