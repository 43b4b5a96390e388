import { Inject, Logger, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { TESSERA_CONFIG, TesseraConfig } from '../config';
import { AppError } from '../common';
import { encode } from '../events';
import { AppendedEvent, EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { IdentitySettingsService } from '../identity';
import { MetricsService } from '../metrics';
import { EncryptingEventStore, SuppressionList } from '../privacy';
import type { IdentityRef } from '../../projections/model';
import { fanOutUnlinked } from './fan-out';
import { IngestEntry, IngestItemsCommand, ItemResult } from './ingest-items.command';
import { IngestContext, PreparedItem, prepareItem } from './prepare-item';

type Outcome = PreparedItem | AppError;

/**
 * Load settings, prepare each item (pure rules), then append every valid item to its subject stream. Appends are
 * issued in item order and not awaited one by one, so the embedded store's group commit serves the whole batch
 * with few fsyncs while keeping the batch's order in the log.
 */
@CommandHandler(IngestItemsCommand)
export class IngestItemsHandler implements ICommandHandler<IngestItemsCommand, ItemResult[]> {
  private readonly logger = new Logger('Ingestion');
  /** The log's own naming of subjects when it seals (it caches them and forgets erased ones). */
  private readonly subjectOf?: (identity: IdentityRef) => string;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
    private readonly settings: IdentitySettingsService,
    private readonly metrics: MetricsService,
    @Optional() private readonly suppression?: SuppressionList,
  ) {
    const log = this.store;
    if (log instanceof EncryptingEventStore) this.subjectOf = (identity) => log.subjectOf(identity);
  }

  async execute(command: IngestItemsCommand): Promise<ItemResult[]> {
    const outcomes = await this.prepareAll(command.entries);
    if (command.batch) this.guardFanOut(outcomes);
    const results = await Promise.all(this.appendAll(outcomes));
    results.forEach((r, i) => {
      const kind = 'kind' in command.entries[i] ? (command.entries[i] as { kind: string }).kind : 'unknown';
      this.metrics.countIngested(kind, r.error ? 'rejected' : r.duplicate ? 'duplicate' : 'accepted');
    });
    return results;
  }

  private async prepareAll(entries: IngestEntry[]): Promise<Outcome[]> {
    const outcomes = entries.map((entry) => prepareOne(entry, this.context()));
    if (!this.settings.distributed || !outcomes.some(isUnknownNamespace)) return outcomes;
    // Another instance may have registered the namespace since we last read the settings stream.
    await this.settings.refresh();
    return outcomes.map((o, i) => (isUnknownNamespace(o) ? prepareOne(entries[i], this.context()) : o));
  }

  private context(): IngestContext {
    const { settings } = this.settings.current();
    return {
      settings,
      hashKey: this.config.identityHashKey!,
      limits: this.config.limits,
      now: new Date(),
      newId: randomUUID,
      isSuppressed: this.suppression?.isSuppressed,
      subjectOf: this.subjectOf,
    };
  }

  private guardFanOut(outcomes: Outcome[]): void {
    const prepared = outcomes.filter((o): o is PreparedItem => !(o instanceof AppError));
    const unlinked = fanOutUnlinked(prepared.map((p) => p.identities), this.config.limits.fanOutLimit);
    prepared.forEach((p, i) => {
      if (unlinked[i].length > 0) p.event.data.unlinked = unlinked[i];
    });
  }

  private appendAll(outcomes: Outcome[]): Promise<ItemResult>[] {
    const firstByEventId = new Map<string, Promise<AppendedEvent>>();
    return outcomes.map((outcome, index) => {
      if (outcome instanceof AppError) return Promise.resolve(rejected(index, outcome));
      // The same item twice in one batch: the second is a duplicate of the first, never a second append.
      const earlier = firstByEventId.get(outcome.eventId);
      const appended = earlier
        ? earlier.then((a) => ({ ...a, duplicate: true }))
        : this.store.append(outcome.stream, [encode(outcome.event, outcome.eventId)], 'any').then((r) => r.events[0]);
      if (!earlier) firstByEventId.set(outcome.eventId, appended);
      return appended.then(
        (a) => accepted(index, outcome, a),
        (error: unknown) => rejected(index, this.storeFailure(error)),
      );
    });
  }

  private storeFailure(error: unknown): AppError {
    if (error instanceof AppError) return error;
    this.logger.error(`append failed: ${error instanceof Error ? error.message : String(error)}`);
    return new AppError('EVENT_STORE_UNAVAILABLE', 503, 'The event log did not accept the item; retry later');
  }
}

function prepareOne(entry: IngestEntry, ctx: IngestContext): Outcome {
  if ('malformed' in entry) return entry.malformed;
  try {
    return prepareItem(entry.kind, entry.body, ctx);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

function isUnknownNamespace(outcome: Outcome): boolean {
  return outcome instanceof AppError && outcome.details.some((d) => d.code === 'UNKNOWN_NAMESPACE');
}

function accepted(index: number, item: PreparedItem, appended: AppendedEvent): ItemResult {
  return {
    index,
    status: 202,
    id: item.itemId,
    position: appended.position,
    ...(appended.duplicate ? { duplicate: true as const } : {}),
    ...(item.warnings.length > 0 ? { warnings: item.warnings } : {}),
  };
}

function rejected(index: number, error: AppError): ItemResult {
  return { index, status: error.status, error: { code: error.code, message: error.message, details: error.details } };
}
