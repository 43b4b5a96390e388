import {
  DeadlineExceededError,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  jsonEvent,
} from '@eventstore/db-client';
import type { EventStore } from '../../src/event-store';
import { openEventStoreDb } from '../../src/event-store/eventstoredb';
import { startEsdbStandIn, type EsdbStandIn, type StandInOptions } from '../support/esdb-standin';
import { newEvent, newEvents, newStream } from '../support/event-store-fixtures';

/**
 * The adapter against the server behaviours the stand-in models from EventStoreDB's sources (see its README):
 * BatchAppend, deadlines from a skewed client clock, write timeouts, the append size limit, the idempotency window,
 * soft delete and tombstones, and a follower answering not-leader.
 */
describe('EventStoreDB adapter against the server behaviours (stand-in)', () => {
  const started: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) await s.close();
  });
  async function serve(options: StandInOptions = {}, shared?: EsdbStandIn) {
    const standIn = await startEsdbStandIn(options, shared?.log);
    started.push({ close: () => standIn.stop() });
    return standIn;
  }
  function adapter(standIn: EsdbStandIn, limits?: { appendTimeoutMs?: number }): EventStore {
    const store = openEventStoreDb(standIn.url, { limits });
    started.push({ close: () => store.close() });
    return store;
  }
  function rawClient(standIn: EsdbStandIn) {
    const client = EventStoreDBClient.connectionString(standIn.url);
    started.push({ close: () => client.dispose() });
    return client;
  }
  const big = (kib: number) => ({ blob: 'x'.repeat(kib * 1024) });

  it('appends over one long-lived BatchAppend stream, not the legacy Append', async () => {
    const standIn = await serve();
    const store = adapter(standIn);
    for (let i = 0; i < 3; i++) await store.append(newStream(), [newEvent()]);
    expect(standIn.callsServed()).toMatchObject({ batchAppend: 1 });
    expect(standIn.callsServed().append).toBeUndefined();
  });

  it('appends when the client clock is a minute behind the server, where the client default deadline is already past', async () => {
    const standIn = await serve({ clockSkewMs: 60_000 });
    await expect(rawClient(standIn).appendToStream(newStream(), jsonEvent({ type: 'T', data: {} }))).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
    const store = adapter(standIn);
    const stream = newStream();
    await store.append(stream, newEvents(2));
    expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1]);
  });

  it('appends when the client clock is ahead of the server', async () => {
    const store = adapter(await serve({ clockSkewMs: -3_600_000 }));
    const stream = newStream();
    await store.append(stream, [newEvent()]);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it("turns the server's write timeout into EVENT_STORE_UNAVAILABLE; the retry stores the event once", async () => {
    const standIn = await serve({ writeTimeoutMs: 100 });
    const store = adapter(standIn);
    const stream = newStream();
    const event = newEvent();
    standIn.behaviour.stallWrites(true);
    await expect(store.append(stream, [event])).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE', status: 503 });
    standIn.behaviour.stallWrites(false);
    await store.append(stream, [event]);
    expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual([event.eventId]);
  });

  it('bounds the wait for an answer on the local clock', async () => {
    const standIn = await serve({ writeTimeoutMs: 60_000 });
    const store = adapter(standIn, { appendTimeoutMs: 100 });
    standIn.behaviour.stallWrites(true);
    await expect(store.append(newStream(), [newEvent()])).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
  });

  it('splits an append over the 1 MiB limit, which the server refuses whole', async () => {
    const standIn = await serve();
    const events = newEvents(3, () => big(400));
    const raw = events.map((e) => jsonEvent({ id: e.eventId, type: e.type, data: e.data }));
    await expect(rawClient(standIn).appendToStream(newStream(), raw)).rejects.toBeInstanceOf(MaxAppendSizeExceededError);
    const store = adapter(standIn);
    const stream = newStream();
    const appended = await store.append(stream, events, 'no_stream');
    expect(appended.nextExpectedRevision).toBe(2);
    expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
  });

  it('refuses one event over the limit with EVENT_STORE_APPEND_TOO_LARGE and stores nothing', async () => {
    const store = adapter(await serve());
    const stream = newStream();
    await expect(store.append(stream, [newEvent(big(1100))])).rejects.toMatchObject({ code: 'EVENT_STORE_APPEND_TOO_LARGE', status: 413 });
    expect(await store.readStream(stream)).toEqual([]);
  });

  it("the server's idempotency (any): a retry is recognised inside the window only", async () => {
    const standIn = await serve({ idempotencyWindow: 2 });
    const raw = rawClient(standIn);
    const stream = newStream();
    const retried = jsonEvent({ type: 'T', data: {} });
    await raw.appendToStream(stream, retried);
    await raw.appendToStream(stream, retried);
    expect(await count(raw, stream)).toBe(1);
    await raw.appendToStream(newStream(), [jsonEvent({ type: 'T', data: {} }), jsonEvent({ type: 'T', data: {} })]);
    await raw.appendToStream(stream, retried);
    expect(await count(raw, stream)).toBe(2);
  });

  describe('a soft-deleted stream', () => {
    it("swallows a re-ingested first event appended with no_stream (the server's check, as a trap)", async () => {
      const raw = rawClient(await serve());
      const stream = newStream();
      const event = jsonEvent({ type: 'T', data: {} });
      await raw.appendToStream(stream, [event, jsonEvent({ type: 'T', data: {} })]);
      await raw.deleteStream(stream);
      await expect(raw.appendToStream(stream, event, { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(StreamDeletedError);
      expect((await raw.appendToStream(stream, event, { expectedRevision: 'no_stream' })).success).toBe(true);
      await expect(count(raw, stream)).rejects.toBeInstanceOf(StreamNotFoundError);
      await raw.appendToStream(stream, event, { expectedRevision: 1n });
      expect(await count(raw, stream)).toBe(1);
    });

    it('stores an item re-ingested after an erasure, by this process and by another', async () => {
      const standIn = await serve();
      const store = adapter(standIn);
      for (const reingesting of [store, adapter(standIn)]) {
        const stream = newStream();
        const [first, second] = newEvents(2);
        await store.append(stream, [first, second]);
        await store.eraseStreams([stream]);
        const again = await reingesting.append(stream, [first]);
        expect(again.events[0].duplicate).toBe(false);
        expect((await store.readStream(stream)).map((e) => [e.eventId, e.revision])).toEqual([[first.eventId, 2]]);
      }
    });
  });

  it('refuses to write a tombstoned stream with EVENT_STREAM_DELETED', async () => {
    const standIn = await serve();
    const store = adapter(standIn);
    const stream = newStream();
    await store.append(stream, [newEvent()]);
    await rawClient(standIn).tombstoneStream(stream);
    await expect(adapter(standIn).append(stream, [newEvent()])).rejects.toMatchObject({ code: 'EVENT_STREAM_DELETED', status: 409 });
  });

  it('follows a not-leader answer to the leader and appends there', async () => {
    const leader = await serve();
    const follower = await serve({ followerOf: leader.endpoint }, leader);
    const store = adapter(follower);
    const stream = newStream();
    const event = newEvent();
    const appended = await store.append(stream, [event]);
    expect(appended.events[0].duplicate).toBe(false);
    expect(follower.callsServed().batchAppend).toBeUndefined();
    expect(leader.callsServed().batchAppend).toBe(1);
    expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual([event.eventId]);
  });

  it('after a leader change, retries a BatchAppend the old leader refused on the new one', async () => {
    const old = await serve();
    const store = adapter(old);
    const stream = newStream();
    await store.append(stream, [newEvent()]);
    const elected = await serve({}, old);
    old.behaviour.follow(elected.endpoint);
    const event = newEvent();
    const appended = await store.append(stream, [event]);
    expect(appended.nextExpectedRevision).toBe(1);
    expect(old.callsServed().batchAppend).toBe(1); // one stream, ended by the refusal of the second append
    expect(elected.callsServed().batchAppend).toBe(1);
    expect((await store.readStream(stream)).map((e) => e.eventId)).toContain(event.eventId);
  });
});

async function count(client: EventStoreDBClient, stream: string): Promise<number> {
  let n = 0;
  for await (const _ of client.readStream(stream)) n++;
  return n;
}
