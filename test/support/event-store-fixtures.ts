import { randomUUID } from 'node:crypto';
import {
  comparePositions,
  type EventToAppend,
  type LogSubscription,
  type Position,
  type RecordedEvent,
} from '../../src/event-store';

/** Helpers for event-store tests: fresh names per test, so suites never depend on what the log already holds. */
export function newStream(prefix = 'contract'): string {
  return `${prefix}-${randomUUID()}`;
}

export function newEvent(data: Record<string, unknown> = {}, type = 'ContractTested'): EventToAppend {
  return { eventId: randomUUID(), type, data };
}

export function newEvents(count: number, data: (i: number) => Record<string, unknown> = (i) => ({ i })) {
  return Array.from({ length: count }, (_, i) => newEvent(data(i)));
}

/**
 * Pulls from the subscription until `count` events matching `keep` have arrived, without closing it. Events of
 * other tests are skipped, so a shared log is fine.
 */
export async function take(
  subscription: LogSubscription,
  count: number,
  keep: (event: RecordedEvent) => boolean = () => true,
): Promise<RecordedEvent[]> {
  const iterator = subscription[Symbol.asyncIterator]();
  const taken: RecordedEvent[] = [];
  while (taken.length < count) {
    const next = await iterator.next();
    if (next.done) throw new Error(`Subscription ended after ${taken.length} of ${count} events`);
    if (keep(next.value)) taken.push(next.value);
  }
  return taken;
}

export const inStreams = (...streams: string[]) => (event: RecordedEvent) => streams.includes(event.stream);

export const sorted = (positions: Position[]) => [...positions].sort(comparePositions);
