import { Command } from '@nestjs/cqrs';
import type { AppError, ErrorCode, ErrorDetail } from '../common';
import type { Position } from '../event-store';
import type { ItemKind, Warning } from './item-rules';

/** One entry of an ingestion: an item to validate and store, or one already known to be malformed. */
export type IngestEntry = { kind: ItemKind; body: unknown } | { malformed: AppError };

export interface ItemResult {
  index: number;
  /** 202 when stored (or a duplicate of a stored item), else the status the item alone would have got. */
  status: number;
  id?: string;
  position?: Position;
  duplicate?: true;
  warnings?: Warning[];
  error?: { code: ErrorCode; message: string; details: ErrorDetail[] };
}

/**
 * Validate and append items. `batch` turns on the fan-out guard, which only means something across items.
 * Single-item endpoints send one entry and turn its result into the response (or the error).
 */
export class IngestItemsCommand extends Command<ItemResult[]> {
  constructor(
    readonly entries: IngestEntry[],
    readonly batch: boolean,
  ) {
    super();
  }
}
