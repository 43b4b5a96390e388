/**
 * The server's memory of recently committed event ids (IndexWriter._committedEvents, a BoundedCache capped at
 * ESConsts.CommitedEventsMemCacheLimit = 8 MiB, each entry costing 16 + 4 + pointer + the stream id's size). An id
 * is recognised as a retry only while it is in this window; an older id is judged by its revision alone.
 * The stand-in counts entries instead of bytes: `capacity` entries, the oldest evicted first.
 */
export interface CommittedEvent {
  stream: string;
  eventNumber: bigint;
}

/** 8 MiB over ~80 bytes an entry with a typical Tessera stream name: the order of the server's window. */
export const DEFAULT_IDEMPOTENCY_WINDOW = 100_000;

export class IdempotencyWindow {
  private readonly entries = new Map<string, CommittedEvent>();

  constructor(private readonly capacity = DEFAULT_IDEMPOTENCY_WINDOW) {}

  get(eventId: string): CommittedEvent | undefined {
    return this.entries.get(eventId);
  }

  /** PreCommit puts every committed id, a repeat overwriting (throwOnDuplicate: false). */
  put(eventId: string, event: CommittedEvent): void {
    this.entries.delete(eventId);
    this.entries.set(eventId, event);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
