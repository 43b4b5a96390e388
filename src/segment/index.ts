/** The Segment-compatible tracking API: a translation into ingestion's command, no write path of its own. */
export { SegmentModule } from './segment.module';
