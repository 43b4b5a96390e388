import type { LogSubscription, RecordedEvent } from './event-store.port';

export const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * What every adapter's subscription shares: it is its own async iterator, a `return()` (a consumer leaving its
 * `for await`) closes it, and pulls are served one at a time, in order, even when a caller does not await the
 * previous one. An adapter supplies only how to pull the next event and how to close.
 */
export abstract class SerialSubscription implements LogSubscription {
  private chain: Promise<unknown> = Promise.resolve();
  abstract readonly caughtUp: Promise<void>;

  protected abstract pull(): Promise<IteratorResult<RecordedEvent>>;
  abstract close(): Promise<void>;

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return DONE;
      },
    };
  }

  next(): Promise<IteratorResult<RecordedEvent>> {
    const result = this.chain.then(() => this.pull());
    this.chain = result.catch(() => undefined);
    return result;
  }
}
