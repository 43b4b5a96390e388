import type { EventStore, RecordedEvent } from '../../src/event-store';
import { inStreams, newEvent, newEvents, newStream, sorted, take } from '../support/event-store-fixtures';
import type { EventStoreHarness } from './event-store.contract';

/** The subscription promises of the EventStore port; part of describeEventStoreContract, split out for size. */
export function describeSubscriptions(getStore: () => EventStore, getHarness: () => EventStoreHarness) {
  describe('subscribeToAll', () => {
    it('delivers the history after a position, then live appends, in log order', async () => {
      const store = getStore();
      const head = await store.headPosition();
      const stream = newStream();
      await store.append(stream, newEvents(3));
      const subscription = store.subscribeToAll({ after: head });
      const history = await take(subscription, 3, inStreams(stream));
      await subscription.caughtUp;
      const live = take(subscription, 2, inStreams(stream));
      await store.append(stream, newEvents(1));
      await store.append(stream, newEvents(1));
      const all = [...history, ...(await live)];
      await subscription.close();
      expect(all.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
      const positions = all.map((e) => e.position);
      expect(positions).toEqual(sorted(positions));
      expect(await store.readStream(stream)).toEqual(all);
    });

    it('resolves caughtUp once the history has been handed over', async () => {
      const store = getStore();
      const head = await store.headPosition();
      const stream = newStream();
      await store.append(stream, newEvents(4));
      const subscription = store.subscribeToAll({ after: head });
      const iterator = subscription[Symbol.asyncIterator]();
      const seen: RecordedEvent[] = [];
      let caughtUp = false;
      void subscription.caughtUp.then(() => (caughtUp = true));
      for (let i = 0; i < 3; i++) seen.push((await iterator.next()).value as RecordedEvent);
      expect(caughtUp).toBe(false);
      seen.push((await iterator.next()).value as RecordedEvent);
      const pending = iterator.next();
      await subscription.caughtUp;
      expect(seen.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      await subscription.close();
      expect(await pending).toEqual({ done: true, value: undefined });
    });

    it('is caught up at once when started at the head', async () => {
      const store = getStore();
      await store.append(newStream(), [newEvent()]);
      const subscription = store.subscribeToAll({ after: await store.headPosition() });
      const iterator = subscription[Symbol.asyncIterator]();
      const pending = iterator.next();
      await subscription.caughtUp;
      await subscription.close();
      expect(await pending).toEqual({ done: true, value: undefined });
    });

    it('stops iterating when closed, also a for-await loop waiting for appends', async () => {
      const store = getStore();
      const head = await store.headPosition();
      const stream = newStream();
      await store.append(stream, newEvents(2));
      const subscription = store.subscribeToAll({ after: head });
      const received: RecordedEvent[] = [];
      const loop = (async () => {
        for await (const event of subscription) if (event.stream === stream) received.push(event);
      })();
      await subscription.caughtUp;
      await subscription.close();
      await loop;
      expect(received.map((e) => e.revision)).toEqual([0, 1]);
    });

    it('applies back-pressure: a consumer that stops pulling holds up only itself', async () => {
      const store = getStore();
      const head = await store.headPosition();
      const stream = newStream();
      for (let i = 0; i < 6; i++) await store.append(stream, newEvents(100, (n) => ({ n, pad: 'x'.repeat(200) })));
      const slow = store.subscribeToAll({ after: head });
      const fast = store.subscribeToAll({ after: head });
      const [firstSlow] = await take(slow, 1, inStreams(stream));
      const fastAll = await take(fast, 600, inStreams(stream));
      const buffered = getHarness().buffered;
      if (buffered) expect(buffered(slow)).toBeLessThan(600);
      await store.append(stream, newEvents(1));
      const rest = await take(slow, 600, inStreams(stream));
      await Promise.all([slow.close(), fast.close()]);
      expect([firstSlow, ...rest].map((e) => e.revision)).toEqual(Array.from({ length: 601 }, (_, i) => i));
      expect(fastAll.map((e) => e.revision)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    });
  });
}
