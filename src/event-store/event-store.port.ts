import type { Position } from './position';

/**
 * The event log, as the rest of the service sees it. Two adapters implement it (sqlite, eventstoredb) and one
 * contract suite (test/contract/event-store.contract.ts) holds both to the same promises:
 * - appends are atomic per call, idempotent by eventId (an id seen before is acknowledged, not stored twice),
 *   and checked against the expected revision;
 * - every stored event has a global position, strictly increasing in log order;
 * - an acknowledged append is durable.
 */
export interface EventToAppend {
  /** UUID, derived from (source, item id) by the caller so that a retry is recognised as a duplicate. */
  eventId: string;
  type: string;
  /** JSON-serialisable payload, as produced by the codec in src/events. */
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface RecordedEvent {
  eventId: string;
  type: string;
  stream: string;
  /** 0-based revision within the stream. */
  revision: number;
  position: Position;
  /** When the log stored it (log time, used by asOf), UTC. */
  recordedAt: Date;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** 'any': no check; 'no_stream': the stream must not exist; 'stream_exists'; or the exact current revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendedEvent {
  eventId: string;
  position: Position;
  /** True when this eventId was already in the log: nothing was written, the original position is returned. */
  duplicate: boolean;
}

export interface AppendResult {
  /** Position of the last event of this append (or of its original, for a duplicate). */
  position: Position;
  /** The stream's revision after the append: pass it as expectedRevision for the next one. */
  nextExpectedRevision: number;
  events: AppendedEvent[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Absent: from the start of the log. */
  after?: Position;
  /** Page size; adapters may cap it. */
  limit?: number;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  limit?: number;
}

/**
 * A live feed of the log: first everything after `after`, then every new event as it is appended. Pulled with
 * `for await`, so a slow consumer slows the reads (back-pressure). `caughtUp` resolves the first time the
 * subscription has delivered everything that was in the log when it started.
 */
export interface LogSubscription extends AsyncIterable<RecordedEvent> {
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

export interface EventStore {
  append(stream: string, events: EventToAppend[], expectedRevision?: ExpectedRevision): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One page of the global log in log order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: { after?: Position }): LogSubscription;
  /**
   * Erasure: removes these streams' events for good, where the store allows it. SQLite deletes them and scrubs
   * the file (secure_delete, WAL checkpointed and truncated) so no byte of them remains; EventStoreDB deletes the
   * streams, and the server's next scavenge removes the events from its files. Resolves with the number of events removed
   * (EventStoreDB: the number the streams held). Positions of other events do not change.
   */
  eraseStreams(streams: string[]): Promise<number>;
  /** Position of the newest event in the log, undefined when empty. */
  headPosition(): Promise<Position | undefined>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
