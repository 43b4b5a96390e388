import { START, excludeSystemEvents, type AllStreamSubscription, type EventStoreDBClient } from '@eventstore/db-client';
import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import type { RecordedEvent } from '../event-store.port';
import { DONE, SerialSubscription } from '../serial-subscription';
import { comparePositions, type Position } from '../position';
import { fromPosition, isSystemEvent, toRecordedEvent } from './eventstoredb-mapping';

/** How a subscription behaves when it drops. */
export interface ResubscribePolicy {
  /** Delay before the first resubscription; it doubles after each failed one, up to maxRetryMs. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** Told of every drop before the resubscription, for logs and metrics. */
  onDropped?: (error: unknown, failures: number) => void;
}

export const DEFAULT_RESUBSCRIBE: ResubscribePolicy = { firstRetryMs: 100, maxRetryMs: 5_000 };

/**
 * A live feed of $all. The client's subscription is a readable stream pulled one event per `next()`, so a slow
 * consumer stops the reads (back-pressure: the client buffers a few events, gRPC flow control does the rest)
 * instead of piling events up in memory. When the subscription drops (server restart, leader change, network),
 * it is reopened after the last position handed to the consumer, with exponential backoff; events at or before
 * that position are skipped, so a resume neither loses nor repeats.
 *
 * `caughtUp` resolves as the consumer is handed the last event that was in the log at the start: when the
 * server says it is caught up (EventStoreDB 23.10+) and nothing is left unread, or when the event at the head
 * position read at start is handed over (older servers send no caught-up message).
 */
export class EventStoreDbSubscription extends SerialSubscription {
  readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private head: Position | undefined | 'unknown' = 'unknown';
  private last: Position | undefined;
  private closed = false;
  private failures = 0;
  private serverCaughtUp = false;
  private current: AllStreamSubscription | undefined;
  private reader: AsyncIterator<AllStreamResolvedEvent> | undefined;
  private cancelBackoff: (() => void) | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    after: Position | undefined,
    headPosition: () => Promise<Position | undefined>,
    private readonly policy: ResubscribePolicy = DEFAULT_RESUBSCRIBE,
  ) {
    super();
    this.last = after;
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
    headPosition().then(
      (head) => {
        this.head = head;
        this.checkCaughtUp();
      },
      () => undefined,
    );
  }

  /** Events received from the server and not yet handed to the consumer. */
  get buffered(): number {
    return this.current?.readableLength ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelBackoff?.();
    await this.drop();
  }

  protected async pull(): Promise<IteratorResult<RecordedEvent>> {
    while (!this.closed) {
      try {
        const next = await (this.reader ?? this.open()).next();
        if (this.closed) break;
        if (next.done) throw new Error('EventStoreDB ended the subscription');
        const event = this.accept(next.value);
        if (event) return { done: false, value: event };
      } catch (error) {
        // A dropped subscription is resumed from the last position handed over.
        if (this.closed) break;
        this.policy.onDropped?.(error, this.failures);
        await this.drop();
        await this.backoff(this.failures++);
      }
    }
    return DONE;
  }

  /** The event to hand over, or undefined for a system event or one already handed over before a resume. */
  private accept(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
    if (isSystemEvent(resolved)) return undefined;
    const event = toRecordedEvent(resolved);
    if (this.last !== undefined && comparePositions(event.position, this.last) <= 0) return undefined;
    this.last = event.position;
    this.checkCaughtUp();
    return event;
  }

  private open(): AsyncIterator<AllStreamResolvedEvent> {
    const subscription = this.client.subscribeToAll({
      fromPosition: this.last === undefined ? START : fromPosition(this.last),
      filter: excludeSystemEvents(),
    });
    // Errors reach pull() through the iterator; this listener keeps a late one after destroy() from crashing.
    subscription.on('error', () => undefined);
    subscription.on('confirmation', () => (this.failures = 0));
    subscription.on('caughtUp', () => {
      this.serverCaughtUp = true;
      this.checkCaughtUp();
    });
    this.serverCaughtUp = false;
    this.current = subscription;
    this.reader = subscription[Symbol.asyncIterator]();
    return this.reader;
  }

  private async drop(): Promise<void> {
    const subscription = this.current;
    this.current = undefined;
    this.reader = undefined;
    if (!subscription) return;
    await subscription.unsubscribe();
    subscription.destroy();
  }

  private checkCaughtUp(): void {
    const head = this.head;
    const pastHead =
      head !== 'unknown' && (head === undefined || (this.last !== undefined && comparePositions(this.last, head) >= 0));
    if (pastHead || (this.serverCaughtUp && this.buffered === 0)) this.markCaughtUp();
  }

  private backoff(failures: number): Promise<void> {
    // close() may have run while the broken subscription was being dropped: then there is nothing to wait for.
    if (this.closed) return Promise.resolve();
    const delay = Math.min(this.policy.firstRetryMs * 2 ** failures, this.policy.maxRetryMs);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.cancelBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
