import type { EventToAppend } from '../event-store.port';

/** ClusterVNodeOptions.Application.MaxAppendSize's default: 1 MiB of Event.SizeOnDisk per append. */
export const DEFAULT_MAX_APPEND_BYTES = 1024 * 1024;

const utf8 = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? {}), 'utf8');

/**
 * An event's size as the server counts it against the append limit (Event.SizeOnDisk: data + metadata + the
 * type's length twice), for the JSON the client sends.
 */
export function sizeOnDisk(event: EventToAppend): number {
  return utf8(event.data) + utf8(event.metadata) + event.type.length * 2;
}

/**
 * Consecutive runs of events each under the limit, in order. An event alone over the limit gets a run of its own,
 * which the server refuses (MaximumAppendSizeExceeded): that is the caller's error, not something to split.
 */
export function chunksUnder(events: EventToAppend[], maxBytes: number): EventToAppend[][] {
  const chunks: EventToAppend[][] = [];
  let chunk: EventToAppend[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = sizeOnDisk(event);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(event);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
