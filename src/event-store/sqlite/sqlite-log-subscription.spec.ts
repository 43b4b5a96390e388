import type { RecordedEvent } from '../event-store.port';
import { AppendSignal } from './append-signal';
import { BUSY_POLL_MS, BUSY_WINDOW_MS, SqliteLogSubscription, type LogSource } from './sqlite-log-subscription';

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

/**
 * A log another process appends to: its appends never fire this process's signal, so the subscription finds them
 * only by looking. Records the (fake) time of every look.
 */
function logOfAnotherProcess() {
  const entries: RecordedEvent[] = [];
  const looks: number[] = [];
  const source: LogSource = {
    readAfter: (position, limit) => {
      looks.push(Date.now());
      return entries.filter((e) => Number(e.position) > position).slice(0, limit);
    },
    durable: () => Promise.resolve(),
    headNumber: () => 0,
    signal: new AppendSignal(),
    isOpen: () => true,
  };
  return { source, looks, append: (position: number) => entries.push(event(position)) };
}

it('looks again soon while another process appends, and backs off to the poll interval once it stops', async () => {
  jest.useFakeTimers();
  try {
    const log = logOfAnotherProcess();
    const subscription = new SqliteLogSubscription(log.source, 0, { pageSize: 100, pollIntervalMs: 1000 }, () => undefined);
    const handed = new Map<number, number>();
    const consuming = (async () => {
      for await (const e of subscription) handed.set(Number(e.position), Date.now());
    })();
    const start = Date.now();
    const appendedAt = new Map<number, number>();
    for (let position = 1; position <= 40; position++) {
      await jest.advanceTimersByTimeAsync(50);
      log.append(position);
      appendedAt.set(position, Date.now());
    }
    const stoppedAt = Date.now();
    await jest.advanceTimersByTimeAsync(5000);
    await subscription.close();
    await jest.advanceTimersByTimeAsync(0);
    await consuming;

    expect([...handed.keys()]).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // The first appends wait for the idle look (one poll interval after the start); every later one is handed over
    // within one short look of its append, not up to a second later.
    expect(handed.get(1)! - start).toBe(1000);
    const later = [...appendedAt].filter(([position]) => appendedAt.get(position)! > start + 1000);
    expect(later.length).toBeGreaterThan(15);
    for (const [position, at] of later) expect(handed.get(position)! - at).toBeLessThanOrEqual(BUSY_POLL_MS);
    // Idle again: past the busy window the looks space out, doubling, back to the poll interval (short looks all
    // along would be 400 more).
    const idleLooks = log.looks.filter((at) => at > stoppedAt + BUSY_WINDOW_MS);
    expect(idleLooks.length).toBeLessThan(15);
    const gaps = idleLooks.slice(1).map((at, i) => at - idleLooks[i]);
    expect(gaps.at(-1)).toBe(1000);
    expect(gaps).toEqual([...gaps].sort((a, b) => a - b));
  } finally {
    jest.useRealTimers();
  }
});
