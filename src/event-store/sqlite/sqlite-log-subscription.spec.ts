import type { RecordedEvent } from '../event-store.port';
import { AppendSignal } from './append-signal';
import { SqliteLogSubscription, type LogSource } from './sqlite-log-subscription';

const event = (position: number): RecordedEvent => ({
  eventId: `e${position}`,
  type: 'Test',
  stream: 's',
  revision: position - 1,
  position: String(position),
  recordedAt: new Date(0),
  data: {},
  metadata: {},
});

/** A log that always holds one more page than the reader has read: a writer that stays ahead of its consumer. */
function endlessLog(): LogSource {
  return {
    readAfter: (position, limit) => Array.from({ length: limit }, (_, i) => event(position + i + 1)),
    durable: () => Promise.resolve(),
    headNumber: () => 0,
    signal: new AppendSignal(),
    isOpen: () => true,
  };
}

it('gives timers and I/O a turn between pages when the log never runs dry', async () => {
  const subscription = new SqliteLogSubscription(endlessLog(), 0, { pageSize: 4, pollIntervalMs: 20 }, () => undefined);
  let timerRan = false;
  setTimeout(() => (timerRan = true), 0);
  let pulled = 0;
  for await (const _ of subscription) {
    if (timerRan || ++pulled > 10_000) break;
  }
  expect(timerRan).toBe(true);
  expect(pulled).toBeLessThan(10_000);
});

it('hands over events in log order, each once, across pages', async () => {
  const subscription = new SqliteLogSubscription(endlessLog(), 0, { pageSize: 3, pollIntervalMs: 20 }, () => undefined);
  const positions: number[] = [];
  for await (const e of subscription) {
    positions.push(Number(e.position));
    if (positions.length === 10) break;
  }
  expect(positions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});
