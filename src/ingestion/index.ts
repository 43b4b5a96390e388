/** Ingestion: the one write path for records, events and links. What other slices may use of it. */
export { IngestItemsCommand, type IngestEntry, type ItemResult } from './ingest-items.command';
export { IngestionModule } from './ingestion.module';
export { ITEM_KINDS, parseItemTimestamp, type ItemKind } from './item-rules';
export { ErrorResponseDto } from './ingestion.dto';
