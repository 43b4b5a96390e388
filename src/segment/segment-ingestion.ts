import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Counter } from 'prom-client';
import { AppError, isErrorCode, statusOf } from '../common';
import { TESSERA_CONFIG, TesseraConfig } from '../config';
import { IngestItemsCommand, ItemResult } from '../ingestion';
import { MetricsService } from '../metrics';
import { CallType, mapMessage, MappedMessage, Rejection } from './segment-message';

/** Segment's limit on messages in one batch; the rest are reported as rejected, as Segment does. */
export const MAX_SEGMENT_BATCH_ITEMS = 2500;

export interface SegmentAnswer {
  success: boolean;
  rejected?: Array<{ index: number } & Rejection>;
}

export interface SegmentCall {
  source: string;
  messages: unknown[];
  /** The type a single-call endpoint implies; batch items carry their own. */
  type?: CallType;
  batchSentAt?: unknown;
  batchContext?: unknown;
}

/**
 * Translates Segment messages into ingestion entries and dispatches the very command ingestion's own controller
 * dispatches, so validation, idempotency, suppression and crypto-shredding are ingestion's, not a copy.
 */
@Injectable()
export class SegmentIngestion {
  private readonly messages: Counter<'type' | 'status'>;

  constructor(
    private readonly commands: CommandBus,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
    metrics: MetricsService,
  ) {
    this.messages = new Counter({
      name: 'tessera_segment_messages_total',
      help: 'Segment messages by call type (identify, track, page, screen, group, alias, unknown) and outcome (accepted, duplicate, rejected)',
      labelNames: ['type', 'status'] as const,
      registers: [metrics.registry],
    });
  }

  async ingest(call: SegmentCall): Promise<SegmentAnswer> {
    const receivedAt = new Date();
    const ctx = { source: call.source, namespaces: this.config.segment.namespaces, receivedAt, batchSentAt: call.batchSentAt, batchContext: call.batchContext };
    const taken = call.messages.slice(0, MAX_SEGMENT_BATCH_ITEMS);
    const mapped = taken.map((m) => mapMessage(m, ctx, call.type));
    const entries = mapped.flatMap((m) => ('entry' in m ? [m.entry] : []));
    const results: ItemResult[] = entries.length === 0 ? [] : await this.commands.execute(new IngestItemsCommand(entries, call.type === undefined));
    const rejected = this.collect(mapped, results);
    for (let index = taken.length; index < call.messages.length; index++) {
      this.messages.inc({ type: 'unknown', status: 'rejected' });
      rejected.push({ index, code: 'BATCH_TOO_MANY_ITEMS', message: `A batch holds at most ${MAX_SEGMENT_BATCH_ITEMS} messages; this one was not stored` });
    }
    return rejected.length === 0 ? { success: true } : { success: false, rejected };
  }

  /** Zips ingestion's results back onto the messages; a store failure fails the call so the SDK retries it. */
  private collect(mapped: MappedMessage[], results: ItemResult[]): Array<{ index: number } & Rejection> {
    const rejected: Array<{ index: number } & Rejection> = [];
    let next = 0;
    let unavailable: ItemResult | undefined;
    mapped.forEach((m, index) => {
      const result = 'entry' in m ? results[next++] : undefined;
      const failure = 'rejection' in m ? m.rejection : result?.error;
      if (result && result.status >= 500) unavailable = result;
      this.messages.inc({ type: m.type, status: failure ? 'rejected' : result?.duplicate ? 'duplicate' : 'accepted' });
      if (failure) rejected.push({ index, code: failure.code, message: failure.message });
    });
    // Retrying is safe: what did land is a duplicate the second time (messageId is the item id).
    if (unavailable) {
      const { code, message } = unavailable.error!;
      throw new AppError(isErrorCode(code) && statusOf(code) === 503 ? code : 'EVENT_STORE_UNAVAILABLE', message);
    }
    return rejected;
  }
}
