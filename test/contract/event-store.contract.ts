import { WrongExpectedRevisionError } from '../../src/common/app-error';
import {
  comparePositions,
  isPosition,
  type EventStore,
  type ExpectedRevision,
  type LogSubscription,
  type Position,
  type RecordedEvent,
} from '../../src/event-store';
import { newEvent, newEvents, newStream, sorted } from '../support/event-store-fixtures';
import { describeIdempotency } from './event-store-idempotency.contract';
import { describeAppendModel } from './event-store-model.contract';
import { describeSubscriptions } from './event-store-subscription.contract';

/**
 * The promises of the EventStore port, held against every adapter. Uses only the port: unique stream names per
 * test, and the head position at the start of a test instead of assuming an empty log.
 */
export interface EventStoreHarness {
  store: EventStore;
  cleanup(): Promise<void>;
  /** Optional probe: events a subscription holds in memory, not yet handed to its consumer. */
  buffered?(subscription: LogSubscription): number;
}

export function describeEventStoreContract(name: string, open: () => Promise<EventStoreHarness>): void {
  describe(`EventStore contract: ${name}`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;
    beforeAll(async () => {
      harness = await open();
      store = harness.store;
    });
    afterAll(() => harness.cleanup());

    describeAppendAndRead(() => store);
    describeIdempotency(() => store);
    describeExpectedRevision(() => store);
    describeAppendModel(() => store);
    describePaging(() => store);
    describeSubscriptions(() => store, () => harness);
    describeConcurrency(() => store);
  });
}

/** Everything in the log after `after`, paged to the end. */
async function readAllAfter(store: EventStore, after: Position | undefined, limit = 100): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit });
    if (page.length === 0) return all;
    all.push(...page);
    cursor = page[page.length - 1].position;
  }
}

function describeAppendAndRead(getStore: () => EventStore) {
  describe('append and read', () => {
    it('stores events in order and reads them back as appended', async () => {
      const store = getStore();
      const stream = newStream();
      const events = [newEvent({ a: 1 }), { ...newEvent({ b: { c: [1, 'x'] } }), metadata: { schemaVersion: 1 } }];
      const before = Date.now();
      const result = await store.append(stream, events, 'no_stream');
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.eventId, e.type, e.stream, e.revision, e.data])).toEqual(
        events.map((e, i) => [e.eventId, e.type, stream, i, e.data]),
      );
      expect(read[1].metadata).toEqual({ schemaVersion: 1 });
      expect(read[0].metadata).toEqual({});
      expect(result.nextExpectedRevision).toBe(1);
      expect(result.events.map((e) => [e.eventId, e.position, e.duplicate])).toEqual(
        read.map((e) => [e.eventId, e.position, false]),
      );
      expect(result.position).toBe(read[1].position);
      for (const e of read) {
        expect(e.recordedAt).toBeInstanceOf(Date);
        expect(e.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      }
    });

    it('gives every event a position, strictly increasing in log order and comparable', async () => {
      const store = getStore();
      const head = await store.headPosition();
      const positions: Position[] = [];
      for (const stream of [newStream(), newStream(), newStream()]) {
        const result = await store.append(stream, newEvents(2));
        positions.push(...result.events.map((e) => e.position));
      }
      for (const p of positions) expect(isPosition(p)).toBe(true);
      for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1], positions[i])).toBe(-1);
      if (head !== undefined) expect(comparePositions(head, positions[0])).toBe(-1);
      expect(await store.headPosition()).toBe(positions[positions.length - 1]);
      const log = await readAllAfter(store, head);
      expect(log.map((e) => e.position)).toEqual(positions);
    });

    it('stamps log time that never decreases in log order', async () => {
      const store = getStore();
      const head = await store.headPosition();
      for (let i = 0; i < 5; i++) await store.append(newStream(), newEvents(2));
      const times = (await readAllAfter(store, head)).map((e) => e.recordedAt.getTime());
      expect(times).toHaveLength(10);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it('reads a stream from a revision, with a limit; an unknown stream reads as empty', async () => {
      const store = getStore();
      const stream = newStream();
      await store.append(stream, newEvents(5));
      const revisions = async (options: { fromRevision?: number; limit?: number }) =>
        (await store.readStream(stream, options)).map((e) => e.revision);
      expect(await revisions({})).toEqual([0, 1, 2, 3, 4]);
      expect(await revisions({ fromRevision: 2 })).toEqual([2, 3, 4]);
      expect(await revisions({ fromRevision: 1, limit: 2 })).toEqual([1, 2]);
      expect(await revisions({ fromRevision: 5 })).toEqual([]);
      expect(await store.readStream(newStream())).toEqual([]);
    });
  });
}

function describeExpectedRevision(getStore: () => EventStore) {
  const conflict = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(WrongExpectedRevisionError);

  describe('expected revision', () => {
    it("'no_stream' accepts a new stream and rejects an existing one", async () => {
      const store = getStore();
      const stream = newStream();
      expect((await store.append(stream, [newEvent()], 'no_stream')).nextExpectedRevision).toBe(0);
      await conflict(store.append(stream, [newEvent()], 'no_stream'));
    });

    it("'stream_exists' rejects a new stream and accepts an existing one", async () => {
      const store = getStore();
      const stream = newStream();
      await conflict(store.append(stream, [newEvent()], 'stream_exists'));
      await store.append(stream, [newEvent()]);
      expect((await store.append(stream, [newEvent()], 'stream_exists')).nextExpectedRevision).toBe(1);
    });

    it('an exact revision accepts only the current one', async () => {
      const store = getStore();
      const stream = newStream();
      await conflict(store.append(stream, [newEvent()], 0));
      const first = await store.append(stream, newEvents(2), 'no_stream');
      expect(first.nextExpectedRevision).toBe(1);
      await conflict(store.append(stream, [newEvent()], 0));
      await conflict(store.append(stream, [newEvent()], 2));
      const next = await store.append(stream, [newEvent()], first.nextExpectedRevision);
      expect(next.nextExpectedRevision).toBe(2);
    });

    it("'any' always appends", async () => {
      const store = getStore();
      const stream = newStream();
      expect((await store.append(stream, [newEvent()], 'any')).nextExpectedRevision).toBe(0);
      expect((await store.append(stream, [newEvent()])).nextExpectedRevision).toBe(1);
    });

    it('a conflict stores nothing of the append and reports the stable code', async () => {
      const store = getStore();
      const stream = newStream();
      const head = await store.headPosition();
      await store.append(stream, [newEvent()]);
      const error = await store.append(stream, newEvents(3), 'no_stream').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).code).toBe('STREAM_REVISION_CONFLICT');
      expect(await store.readStream(stream)).toHaveLength(1);
      expect(await readAllAfter(store, head)).toHaveLength(1);
    });

    it('checks each concurrent append on its own: one conflict fails only itself', async () => {
      const store = getStore();
      const stream = newStream();
      const attempts: ExpectedRevision[] = ['no_stream', 'no_stream', 'any', 'stream_exists'];
      const outcomes = await Promise.allSettled(attempts.map((expected) => store.append(stream, [newEvent()], expected)));
      const failed = outcomes.filter((o) => o.status === 'rejected');
      expect(failed.length).toBeGreaterThanOrEqual(1);
      for (const f of failed) expect((f as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      const stored = await store.readStream(stream);
      expect(stored).toHaveLength(outcomes.length - failed.length);
    });
  });
}

function describePaging(getStore: () => EventStore) {
  describe('readAll', () => {
    it('pages through the log after an exclusive position with a limit', async () => {
      const store = getStore();
      const head = await store.headPosition();
      const [s1, s2] = [newStream(), newStream()];
      await store.append(s1, newEvents(2));
      await store.append(s2, newEvents(2));
      await store.append(s1, newEvents(1));
      const p1 = await store.readAll({ after: head, limit: 2 });
      const p2 = await store.readAll({ after: p1[1].position, limit: 2 });
      const p3 = await store.readAll({ after: p2[1].position, limit: 2 });
      expect([p1.length, p2.length, p3.length]).toEqual([2, 2, 1]);
      expect([...p1, ...p2, ...p3].map((e) => [e.stream, e.revision])).toEqual([
        [s1, 0], [s1, 1], [s2, 0], [s2, 1], [s1, 2],
      ]);
      expect(await store.readAll({ after: p3[0].position, limit: 2 })).toEqual([]);
    });

    it('reads from the start of the log when no position is given', async () => {
      const store = getStore();
      const appended = await store.append(newStream(), [newEvent()]);
      const first = await store.readAll({ limit: 1 });
      expect(first).toHaveLength(1);
      expect(comparePositions(first[0].position, appended.position)).toBeLessThanOrEqual(0);
    });
  });
}

function describeConcurrency(getStore: () => EventStore) {
  describe('concurrent appends', () => {
    it('acknowledges every one and makes each readable exactly once', async () => {
      const store = getStore();
      const head = await store.headPosition();
      const shared = Array.from({ length: 10 }, () => newStream());
      const requests = Array.from({ length: 300 }, (_, i) => ({
        stream: i < 200 ? shared[i % 10] : newStream(),
        expected: (i < 200 ? 'any' : 'no_stream') as ExpectedRevision,
        events: newEvents(1 + (i % 3)),
      }));
      const results = await Promise.all(requests.map((r) => store.append(r.stream, r.events, r.expected)));
      const acknowledged = results.flatMap((r) => r.events.map((e) => e.eventId));
      const log = await readAllAfter(store, head, 500);
      const logged = log.map((e) => e.eventId);
      expect(logged).toHaveLength(acknowledged.length);
      expect(new Set(logged)).toEqual(new Set(acknowledged));
      expect(log.map((e) => e.position)).toEqual(sorted(log.map((e) => e.position)));
      for (const stream of shared) {
        const revisions = (await store.readStream(stream)).map((e) => e.revision);
        expect(revisions).toEqual(revisions.map((_, i) => i));
      }
    });
  });
}
