import { WrongExpectedRevisionError } from '../../src/common/app-error';
import type { EventStore } from '../../src/event-store';
import { newEvent, newEvents, newStream } from '../support/event-store-fixtures';

/** Idempotency by eventId, a promise of the port every adapter keeps, retries and repeats within one append included. */
export function describeIdempotency(getStore: () => EventStore) {
  describe('idempotency', () => {
    it('acknowledges an eventId seen before as a duplicate with its original position, stored once', async () => {
      const store = getStore();
      const stream = newStream();
      const event = newEvent({ n: 1 });
      const first = await store.append(stream, [event]);
      const again = await store.append(stream, [event]);
      expect(again.events).toEqual([{ eventId: event.eventId, position: first.position, duplicate: true }]);
      expect(again.position).toBe(first.position);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('stores an event appended concurrently many times exactly once', async () => {
      const store = getStore();
      const stream = newStream();
      const event = newEvent();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.append(stream, [event])));
      expect(results.filter((r) => !r.events[0].duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.position)).size).toBe(1);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('acknowledges a retry carrying the same expected revision as a duplicate, not a conflict', async () => {
      const store = getStore();
      const stream = newStream();
      const [first, second] = newEvents(2);
      const a = await store.append(stream, [first], 'no_stream');
      const b = await store.append(stream, [second], a.nextExpectedRevision);
      const retryA = await store.append(stream, [first], 'no_stream');
      const retryB = await store.append(stream, [second], a.nextExpectedRevision);
      expect(retryA.events).toEqual([{ eventId: first.eventId, position: a.position, duplicate: true }]);
      expect(retryB.events).toEqual([{ eventId: second.eventId, position: b.position, duplicate: true }]);
      expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual([first.eventId, second.eventId]);
    });
    it('stores only the new events of a partly repeated append, checked against the expected revision', async () => {
      const store = getStore();
      const stream = newStream();
      const [e1, e2, e3] = newEvents(3);
      await store.append(stream, [e1], 'no_stream');
      const mixed = await store.append(stream, [e1, e2], 0);
      expect(mixed.events.map((e) => e.duplicate)).toEqual([true, false]);
      expect(mixed.nextExpectedRevision).toBe(1);
      await expect(store.append(stream, [e1, e3], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual([e1.eventId, e2.eventId]);
    });

    it('reports a repeat of an eventId within one append as a duplicate of its first occurrence', async () => {
      const store = getStore();
      const event = newEvent();
      const result = await store.append(newStream(), [event, event]);
      expect(result.events.map((e) => e.duplicate)).toEqual([false, true]);
      expect(result.events[1].position).toBe(result.events[0].position);
      expect(result.nextExpectedRevision).toBe(0);
    });

    it('answers a retry with the original revision even after the stream moved on', async () => {
      const store = getStore();
      const stream = newStream();
      const first = newEvent();
      await store.append(stream, [first], 'no_stream');
      await store.append(stream, newEvents(2), 0);
      expect((await store.append(stream, [first], 'no_stream')).nextExpectedRevision).toBe(0);
    });
  });
}
