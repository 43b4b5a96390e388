import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { isChangeId } from '../../projections/change-feed';
import { badRequest } from '../common';
import { DEFAULT_DESTINATIONS, TESSERA_CONFIG, type TesseraConfig } from '../config';
import { MetricsService } from '../metrics';
import { CHANGE_FEED, FeedTail, type ChangeFeedReader } from '../change-feed';
import { liveModelVersion } from '../read-store';
import { readStoreTarget } from '../read-store/read-store.module';
import { destinationNotFound, newSecret, parseDefinition, viewOf, type DestinationView, type StoredDestination } from './destination';
import { destinationMetrics, type DestinationCounters } from './destination-metrics';
import { DESTINATION_STORE, type DestinationStore } from './destination-store.port';
import { InlineDelivery, NO_DELIVERY, type Delivery } from './delivery';
import { DeliveryLoops } from './delivery-loops';
import { WorkerDelivery } from './delivery-worker';
import { destinationStoreTarget } from './open-destination-store';
import { sendWebhook } from './webhook-sender';

/**
 * Manages destinations and has them delivered (a Delivery: a worker thread by default). Definitions and cursors are
 * in the destination store, so a restart (or a crash) resumes every loop at its stored cursor.
 */
@Injectable()
export class DestinationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private delivery: Delivery = NO_DELIVERY;
  private readonly counters: DestinationCounters;
  private readonly logger = new Logger('Destinations');

  constructor(
    @Inject(DESTINATION_STORE) private readonly store: DestinationStore,
    @Inject(CHANGE_FEED) private readonly feed: ChangeFeedReader,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
    private readonly tail: FeedTail,
    metrics: MetricsService,
  ) {
    this.counters = destinationMetrics(
      metrics.registry,
      async () => Promise.all((await this.store.list()).map(async (d) => ({ id: d.id, lag: await this.feed.countChangesAfter(d.cursor) }))),
      () => this.delivery.settle(),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.delivery = await this.openDelivery();
    for (const destination of await this.store.list()) if (destination.enabled) this.delivery.start(destination.id);
  }

  private settings() {
    return this.config.destinations ?? DEFAULT_DESTINATIONS;
  }

  /** DESTINATION_DELIVERY: `worker` (default), `inline`, or `off` (another instance delivers). */
  private async openDelivery(): Promise<Delivery> {
    const settings = this.settings();
    const retry = { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs, horizonMs: settings.horizonMs };
    if (settings.delivery === 'off') return NO_DELIVERY;
    if (settings.delivery === 'inline') {
      return new InlineDelivery(
        new DeliveryLoops({
          store: this.store,
          feed: this.feed,
          feedVersion: () => this.tail.version,
          waitForChanges: (ms, since) => this.tail.next(ms, since),
          send: sendWebhook,
          retry,
          timeoutMs: settings.timeoutMs,
          now: Date.now,
          random: Math.random,
          counters: this.counters,
          logger: this.logger,
        }),
      );
    }
    const feed = readStoreTarget(this.config);
    const data = { destinations: destinationStoreTarget(this.config), feed, modelVersion: await liveModelVersion(feed), retry, timeoutMs: settings.timeoutMs, pollMs: settings.pollMs };
    return new WorkerDelivery(data, { counters: this.counters, logger: this.logger, onFeedWake: (listener) => this.tail.onWake(listener) });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.delivery.close();
    await this.store.close();
  }

  /** Creates (answering the new secret, the only time it is shown) or replaces a definition, keeping its cursor. */
  async put(id: string, body: unknown): Promise<DestinationView & { secret?: string }> {
    const definition = parseDefinition(id, body);
    const secret = newSecret();
    const cursor = await this.feed.lastChangeId();
    const { created } = await this.store.put(definition, { secret, cursor, createdAt: Date.now() });
    if (definition.enabled) this.delivery.start(id);
    const view = await this.view(id);
    return created ? { ...view, secret } : view;
  }

  async get(id: string): Promise<DestinationView> {
    return this.view(id);
  }

  async list(): Promise<DestinationView[]> {
    return Promise.all((await this.store.list()).map((d) => this.viewOfStored(d)));
  }

  async delete(id: string): Promise<DestinationView> {
    const view = await this.view(id);
    await this.delivery.stop(id);
    await this.store.delete(id);
    return view;
  }

  /** Re-sends everything after `from` (a feed id; "" for the start of the feed), in order, from now on. */
  async replay(id: string, body: unknown): Promise<DestinationView> {
    const from = (body as { from?: unknown } | null)?.from;
    if (typeof from !== 'string' || (from !== '' && !isChangeId(from))) {
      throw badRequest('CHANGE_CURSOR_INVALID', 'from must be a change id from the feed, or "" for its start');
    }
    const stored = await this.store.get(id);
    if (!stored) throw destinationNotFound(id);
    await this.delivery.stop(id);
    const { lastDeliveredAt, lastError } = stored;
    await this.store.saveProgress(id, { cursor: from === '' ? undefined : from, lastDeliveredAt, lastError });
    if (stored.enabled) this.delivery.start(id);
    return this.view(id);
  }

  private async view(id: string): Promise<DestinationView> {
    const stored = await this.store.get(id);
    if (!stored) throw destinationNotFound(id);
    return this.viewOfStored(stored);
  }

  private async viewOfStored(stored: StoredDestination): Promise<DestinationView> {
    return viewOf(stored, await this.feed.countChangesAfter(stored.cursor));
  }
}
