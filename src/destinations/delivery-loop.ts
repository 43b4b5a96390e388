import type { ChangeItem } from '../../projections/change-feed';
import type { ChangeFeedReader } from '../change-feed';
import type { DestinationProgress, StoredDestination } from './destination';
import { wants } from './destination-filter';
import type { DestinationCounters } from './destination-metrics';
import type { DestinationStore } from './destination-store.port';
import { pastHorizon, retryDelay, type RetryPolicy } from './retry-policy';
import { Sleeper } from './sleeper';
import type { SendOutcome, WebhookRequest } from './webhook-sender';

export interface DeliveryDeps {
  store: DestinationStore;
  feed: ChangeFeedReader;
  /** The feed tail's version now: noted before each read. */
  feedVersion(): number;
  /** Resolves when the feed may have grown since `since` (or after the timeout). */
  waitForChanges(timeoutMs: number, since: number): Promise<void>;
  send(request: WebhookRequest): Promise<SendOutcome>;
  retry: RetryPolicy;
  timeoutMs: number;
  now(): number;
  random(): number;
  counters: DestinationCounters;
  /** Messages name the destination id and the outcome, never the URL, the secret or a body. */
  logger?: { warn(message: string): void; error(message: string): void };
}

const PAGE = 100;
const IDLE_RECHECK_MS = 1_000;

type Step = 'more' | 'idle' | 'stop';

/**
 * Delivers one destination's changes, in feed order, one at a time: an item is retried until it is delivered (or
 * the destination is disabled) before the next is sent, and the cursor is stored after each delivery, so a crash
 * redelivers at most the item in flight, under the same webhook-id. Each destination has its own loop: a failing
 * one sleeps in its own backoff and never holds up another.
 */
export class DeliveryLoop {
  private stopping = false;
  private again = false;
  private done?: Promise<void>;
  private readonly sleeper = new Sleeper();

  constructor(readonly id: string, private readonly deps: DeliveryDeps) {}

  get running(): boolean {
    return this.done !== undefined;
  }

  /** Also while a run is ending (it just disabled the destination, an admin re-enables it): it runs again after. */
  start(): void {
    this.stopping = false;
    if (this.done) {
      this.again = true;
      return;
    }
    this.done = this.run().finally(() => {
      this.done = undefined;
      if (this.again) this.start();
    });
    this.again = false;
  }

  async stop(): Promise<void> {
    this.again = false;
    this.stopping = true;
    this.sleeper.wake();
    await this.done;
  }

  /** The definition changed: look again now rather than at the end of a backoff. */
  poke(): void {
    this.sleeper.wake();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const version = this.deps.feedVersion();
        const step = await this.step();
        if (step === 'stop') return;
        if (step === 'idle') await Promise.race([this.deps.waitForChanges(IDLE_RECHECK_MS, version), this.sleeper.sleep(IDLE_RECHECK_MS)]);
      } catch (error) {
        this.deps.logger?.error(`destination ${this.id}: delivery loop failed (${errorName(error)}); resuming`);
        await this.sleeper.sleep(1_000);
      }
    }
  }

  private async step(): Promise<Step> {
    const destination = await this.deps.store.get(this.id);
    if (!destination || !destination.enabled) return 'stop';
    const page = await this.deps.feed.readChanges({ after: destination.cursor, limit: PAGE });
    if (page.length === 0) return 'idle';
    let progress = progressOf(destination);
    for (const item of page) {
      if (this.stopping) return 'stop';
      if (!wants(destination, item)) {
        progress = { ...progress, cursor: item.id };
        continue;
      }
      const next = await this.deliver(destination, progress, item);
      if (next === undefined) return 'stop';
      progress = next;
    }
    await this.deps.store.saveProgress(this.id, progress);
    return 'more';
  }

  /** Retries one item until delivered; the new progress (already stored), or undefined when the loop must stop. */
  private async deliver(first: StoredDestination, start: DestinationProgress, item: ChangeItem): Promise<DestinationProgress | undefined> {
    let progress = start;
    for (let attempt = 1; !this.stopping; attempt++) {
      // A retry re-reads the definition (an admin may have fixed the URL or disabled it meanwhile).
      const destination = attempt === 1 ? first : await this.deps.store.get(this.id);
      if (!destination?.enabled) return undefined;
      // Re-read: an erasure since the page was read removes the item or strips an erased profile from it.
      const current = await this.deps.feed.getChange(item.id);
      if (!current) return this.save({ ...progress, cursor: item.id });
      const outcome = await this.deps.send({ url: destination.url, secret: destination.secret, item: current, now: new Date(this.deps.now()), timeoutMs: this.deps.timeoutMs });
      if (outcome.kind === 'delivered') {
        this.deps.counters.delivered(this.id);
        return this.save({ ...progress, cursor: item.id, lastDeliveredAt: this.deps.now(), failingSince: undefined });
      }
      if (outcome.kind === 'gone') return this.giveUp(progress, 'HTTP 410: the receiver is gone; destination disabled');
      progress = await this.failed(progress, outcome.error, attempt);
      if (progress.disabledReason) return undefined;
    }
    return undefined;
  }

  private async failed(progress: DestinationProgress, error: string, attempt: number): Promise<DestinationProgress> {
    const now = this.deps.now();
    const failingSince = progress.failingSince ?? now;
    const delay = retryDelay(this.deps.retry, attempt, this.deps.random());
    if (pastHorizon(this.deps.retry, failingSince, now, delay)) {
      await this.giveUp(progress, `${error}; failing since ${new Date(failingSince).toISOString()}, past the retry horizon; destination disabled`);
      return { ...progress, disabledReason: 'horizon' };
    }
    this.deps.counters.retried(this.id);
    const next = await this.save({ ...progress, failingSince, lastError: error });
    await this.sleeper.sleep(delay);
    return next;
  }

  private async giveUp(progress: DestinationProgress, reason: string): Promise<undefined> {
    this.deps.counters.failed(this.id);
    // Logged before the store says so: on a worker thread the line travels to the main thread as a message, and
    // whoever sees the destination disabled should find the line already there.
    this.deps.logger?.warn(`destination ${this.id} disabled: ${reason}`);
    await this.save({ ...progress, lastError: reason, failingSince: undefined });
    await this.deps.store.disable(this.id, reason);
    this.stopping = true;
    return undefined;
  }

  private async save(progress: DestinationProgress): Promise<DestinationProgress> {
    await this.deps.store.saveProgress(this.id, progress);
    return progress;
  }
}

function progressOf(d: StoredDestination): DestinationProgress {
  return { cursor: d.cursor, lastDeliveredAt: d.lastDeliveredAt, lastError: d.lastError, failingSince: d.failingSince };
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
