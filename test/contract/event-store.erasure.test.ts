import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '../../src/event-store';
import { openEventStoreDb } from '../../src/event-store/eventstoredb';
import { openSqliteEventStore, type SqliteEventStore } from '../../src/event-store/sqlite';
import { startEsdbStandIn, type EsdbStandIn } from '../support/esdb-standin';
import { newEvent, newStream } from '../support/event-store-fixtures';

/** eraseStreams: the embedded log scrubs its files; EventStoreDB deletes the streams (a scavenge does the rest). */
describe('SQLite event store: eraseStreams', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-es-erase-'));
    store = openSqliteEventStore(join(dir, 'events.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fileBytes = () => Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));

  it('removes the streams’ events from reads and from every byte of the files; others keep their positions', async () => {
    const [erased, kept] = [newStream(), newStream()];
    await store.append(erased, [newEvent({ secret: 'needle-one-1a2b3c' }), newEvent({ secret: 'needle-two-1a2b3c' })]);
    const keptAt = (await store.append(kept, [newEvent({ note: 'stays-4d5e6f' })])).position;
    await store.append(erased, [newEvent({ secret: 'needle-three-1a2b3c' })]);
    expect(fileBytes().includes('needle-one-1a2b3c')).toBe(true);

    expect(await store.eraseStreams([erased, newStream()])).toBe(3);

    expect(await store.readStream(erased)).toEqual([]);
    const all = await store.readAll();
    expect(all.map((e) => [e.stream, e.position])).toEqual([[kept, keptAt]]);
    for (const needle of ['needle-one-1a2b3c', 'needle-two-1a2b3c', 'needle-three-1a2b3c']) {
      expect(fileBytes().includes(needle)).toBe(false);
    }
    expect(fileBytes().includes('stays-4d5e6f')).toBe(true);
  });

  it('lets the stream be written again from revision 0, and keeps positions increasing', async () => {
    const stream = newStream();
    const before = (await store.append(stream, [newEvent()])).position;
    await store.eraseStreams([stream]);
    const again = await store.append(stream, [newEvent()], 'no_stream');
    expect(again.nextExpectedRevision).toBe(0);
    expect(Number(again.position)).toBeGreaterThan(Number(before));
  });
});

describe('EventStoreDB adapter (stand-in): eraseStreams', () => {
  let standIn: EsdbStandIn;
  let store: EventStore;
  beforeAll(async () => {
    standIn = await startEsdbStandIn();
    store = openEventStoreDb(standIn.url);
  });
  afterAll(async () => {
    await store.close();
    await standIn.stop();
  });

  it('deletes the streams (reads find nothing, the count is what they held) and lets them be written again', async () => {
    const [erased, kept] = [newStream(), newStream()];
    await store.append(erased, [newEvent({ secret: 1 }), newEvent({ secret: 2 })]);
    await store.append(kept, [newEvent()]);
    expect(await store.eraseStreams([erased, newStream()])).toBe(2);
    expect(await store.readStream(erased)).toEqual([]);
    expect(await store.readStream(kept)).toHaveLength(1);
    expect(await store.eraseStreams([erased])).toBe(0);
    const again = await store.append(erased, [newEvent()], 'no_stream');
    expect((await store.readStream(erased)).map((e) => e.eventId)).toEqual([again.events[0].eventId]);
  });
});
