import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import { comparePositions, type EventStore } from '../../src/event-store';
import { openEventStoreDb } from '../../src/event-store/eventstoredb';
import type { EventStoreDbSubscription } from '../../src/event-store/eventstoredb/eventstoredb-subscription';
import { startEsdbStandIn, type EsdbStandIn } from '../support/esdb-standin';
import { inStreams, newEvent, newEvents, newStream, take } from '../support/event-store-fixtures';
import { describeEventStoreContract } from './event-store.contract';

const buffered = (subscription: unknown) => (subscription as EventStoreDbSubscription).buffered;

describeEventStoreContract('eventstoredb over the in-process gRPC stand-in (BatchAppend)', async () => {
  const standIn = await startEsdbStandIn();
  const store = openEventStoreDb(standIn.url);
  return {
    store,
    buffered,
    cleanup: async () => {
      await store.close();
      await standIn.stop();
      // Every append of the contract went over BatchAppend, the path production takes, never the legacy Append.
      expect(standIn.callsServed().batchAppend).toBeGreaterThan(0);
      expect(standIn.callsServed().append).toBeUndefined();
    },
  };
});

// The same promises against a real server: EVENTSTORE_URL=esdb://localhost:2113?tls=false npx jest test/contract/event-store.esdb
(process.env.EVENTSTORE_URL ? describe : describe.skip)('a real EventStoreDB at EVENTSTORE_URL', () => {
  describeEventStoreContract('eventstoredb (real server)', async () => {
    const store = openEventStoreDb(process.env.EVENTSTORE_URL as string);
    return { store, buffered, cleanup: () => store.close() };
  });
});

describe('EventStoreDB adapter specifics (stand-in)', () => {
  let standIn: EsdbStandIn;
  let store: EventStore;
  beforeEach(async () => {
    standIn = await startEsdbStandIn();
    store = openEventStoreDb(standIn.url);
  });
  afterEach(async () => {
    await store.close();
    await standIn.stop();
  });

  describe('a dropped subscription', () => {
    it('resumes after the last event handed over, without loss or repeats', async () => {
      const stream = newStream();
      await store.append(stream, newEvents(5));
      const subscription = store.subscribeToAll();
      const first = await take(subscription, 3, inStreams(stream));
      standIn.dropSubscriptions();
      await store.append(stream, newEvents(5));
      const rest = await take(subscription, 7, inStreams(stream));
      await subscription.caughtUp;
      standIn.dropSubscriptions();
      const live = take(subscription, 2, inStreams(stream));
      await store.append(stream, newEvents(2));
      const all = [...first, ...rest, ...(await live)];
      await subscription.close();
      expect(all.map((e) => e.revision)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(all).toEqual(await store.readStream(stream));
      expect(standIn.subscriptionsOpened()).toBeGreaterThanOrEqual(3);
    });

    it('tells of the drop, and ends a consumer waiting through the backoff when closed', async () => {
      let dropped!: () => void;
      const drop = new Promise<void>((resolve) => (dropped = resolve));
      const patient = openEventStoreDb(standIn.url, { resubscribe: { firstRetryMs: 60_000, onDropped: () => dropped() } });
      try {
        const subscription = patient.subscribeToAll();
        const stream = newStream();
        await patient.append(stream, [newEvent()]);
        await take(subscription, 1, inStreams(stream));
        const pending = subscription[Symbol.asyncIterator]().next();
        standIn.dropSubscriptions();
        await drop;
        await subscription.close();
        expect(await pending).toEqual({ done: true, value: undefined });
        expect(standIn.subscriptionsOpened()).toBe(1);
      } finally {
        await patient.close();
      }
    });
  });

  describe('idempotency within a stream', () => {
    it('recognises an event appended by another client (another process) as a duplicate', async () => {
      const other = openEventStoreDb(standIn.url);
      try {
        const stream = newStream();
        const event = newEvent();
        const original = await other.append(stream, [event]);
        await store.append(stream, [newEvent()]);
        const retry = await store.append(stream, [event]);
        expect(retry.events[0]).toEqual({ eventId: event.eventId, position: original.position, duplicate: true });
      } finally {
        await other.close();
      }
    });
  });

  describe('writers in two processes', () => {
    it("retry the appends that lost the race for a stream's revision, and lose none", async () => {
      const other = openEventStoreDb(standIn.url);
      try {
        const stream = newStream();
        const mine = newEvents(10);
        const theirs = newEvents(10);
        const results = await Promise.all([
          ...mine.map((e) => store.append(stream, [e])),
          ...theirs.map((e) => other.append(stream, [e])),
        ]);
        expect(results.every((r) => !r.events[0].duplicate)).toBe(true);
        const stored = await store.readStream(stream);
        expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i));
        expect(new Set(stored.map((e) => e.eventId))).toEqual(new Set([...mine, ...theirs].map((e) => e.eventId)));
        expect(stored.map((e) => e.position)).toEqual(results.map((r) => r.position).sort(comparePositions));
      } finally {
        await other.close();
      }
    });
  });

  describe('the stand-in speaks the protocol the client expects', () => {
    it('filters a subscription by stream prefix and reports checkpoints', async () => {
      const raw = EventStoreDBClient.connectionString(standIn.url);
      try {
        const prefix = newStream('filtered');
        await raw.appendToStream(`${prefix}-a`, jsonEvent({ type: 'Kept', data: {} }));
        await raw.appendToStream(newStream(), jsonEvent({ type: 'Skipped', data: {} }));
        await raw.appendToStream(`${prefix}-b`, jsonEvent({ type: 'Kept', data: {} }));
        let checkpointed!: (commit: bigint) => void;
        const checkpoint = new Promise<bigint>((resolve) => (checkpointed = resolve));
        const subscription = raw.subscribeToAll({
          filter: streamNameFilter({ prefixes: [prefix], checkpointReached: (_s, p) => checkpointed(p.commit) }),
        });
        const seen: string[] = [];
        let lastCommit = 0n;
        let checkpointCommit = -1n;
        for await (const resolved of subscription) {
          seen.push(resolved.event?.streamId ?? '');
          lastCommit = resolved.event?.position?.commit ?? 0n;
          if (seen.length < 2) continue;
          checkpointCommit = await checkpoint;
          break;
        }
        expect(seen).toEqual([`${prefix}-a`, `${prefix}-b`]);
        // Caught up, the stand-in checkpoints at the last event it scanned, as a filtered subscription does.
        expect(checkpointCommit).toBe(lastCommit);
      } finally {
        await raw.dispose();
      }
    });

    it('reads a stream and $all backwards, and reports a missing stream', async () => {
      const raw = EventStoreDBClient.connectionString(standIn.url);
      try {
        const stream = newStream();
        await store.append(stream, newEvents(3));
        const revisions = [];
        for await (const r of raw.readStream(stream, { direction: BACKWARDS, fromRevision: END })) revisions.push(r.event?.revision);
        expect(revisions).toEqual([2n, 1n, 0n]);
        const newest = [];
        for await (const r of raw.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 2 })) newest.push(r.event?.revision);
        expect(newest).toEqual([2n, 1n]);
        const missing = async () => {
          for await (const r of raw.readStream(newStream())) return r;
        };
        await expect(missing()).rejects.toBeInstanceOf(StreamNotFoundError);
      } finally {
        await raw.dispose();
      }
    });
  });

  describe('a soft-deleted stream (another client deletes it)', () => {
    it('reads as empty, keeps its events in $all, and is recreated by the next append with revisions carrying on', async () => {
      const raw = EventStoreDBClient.connectionString(standIn.url);
      try {
        const stream = newStream();
        const head = await store.headPosition();
        const before = await store.append(stream, newEvents(2));
        await raw.deleteStream(stream);
        await expect(raw.deleteStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
        expect(await store.readStream(stream)).toEqual([]);
        const after = await store.append(stream, [newEvent()], 'no_stream');
        expect(after.nextExpectedRevision).toBe(2);
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([2]);
        const log = await store.readAll({ after: head });
        expect(log.map((e) => e.position)).toEqual([...before.events.map((e) => e.position), after.position]);
        await expect(raw.deleteStream(stream, { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      } finally {
        await raw.dispose();
      }
    });
  });

  describe('an unreachable server', () => {
    it('fails appends and reads with the service error EVENT_STORE_UNAVAILABLE, not a vendor error', async () => {
      await store.append(newStream(), [newEvent()]);
      await standIn.stop();
      const unavailable = { code: 'EVENT_STORE_UNAVAILABLE', status: 503 };
      await expect(store.append(newStream(), [newEvent()])).rejects.toMatchObject(unavailable);
      await expect(store.readAll()).rejects.toMatchObject(unavailable);
    });
  });

  describe("EventStoreDB's own events", () => {
    it('are left out of readAll, headPosition and subscriptions', async () => {
      const raw = EventStoreDBClient.connectionString(standIn.url);
      try {
        const stream = newStream();
        const mine = await store.append(stream, [newEvent()]);
        await raw.appendToStream('$stats-127.0.0.1:2113', jsonEvent({ type: '$statsCollected', data: {} }));
        await raw.appendToStream(stream, jsonEvent({ type: '$metadata', data: {} }));
        expect(await store.headPosition()).toBe(mine.position);
        expect((await store.readAll()).map((e) => e.type)).toEqual(['ContractTested']);
        const subscription = store.subscribeToAll();
        await store.append(stream, [newEvent({}, 'After')]);
        const seen = await take(subscription, 2);
        await subscription.close();
        expect(seen.map((e) => e.type)).toEqual(['ContractTested', 'After']);
      } finally {
        await raw.dispose();
      }
    });
  });
});
