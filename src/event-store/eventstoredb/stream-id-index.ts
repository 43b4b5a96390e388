import type { Position } from '../position';

/**
 * What the adapter knows of one stream's event ids, so that idempotency does not rescan a stream per append: a
 * stream is append-only, so an index built up to revision r only ever needs the events after r.
 */
export interface StreamIds {
  /** Revision of the newest event indexed; -1 when the stream does not exist. */
  revision: number;
  ids: Map<string, { position: Position; revision: number }>;
  /**
   * The server's last event number of a stream that reads as missing because it was soft-deleted: the server
   * keeps counting, and only an append expecting exactly this revision is sure to be stored (see the adapter).
   */
  hiddenRevision?: number;
}

/** A bounded least-recently-used map of stream → ids; evicting a stream only costs a rescan later. */
export class StreamIdIndex {
  private readonly streams = new Map<string, StreamIds>();

  constructor(private readonly maxStreams = 10_000) {}

  /** The cached ids of a stream, or undefined when this process has not read it (or has forgotten it). */
  peek(stream: string): StreamIds | undefined {
    return this.streams.get(stream);
  }

  get(stream: string): StreamIds {
    const known = this.streams.get(stream);
    if (!known) return { revision: -1, ids: new Map() };
    this.streams.delete(stream);
    this.streams.set(stream, known);
    return known;
  }

  /** The stream was deleted: its ids must be read again before the next append. */
  forget(stream: string): void {
    this.streams.delete(stream);
  }

  set(stream: string, ids: StreamIds): void {
    this.streams.delete(stream);
    this.streams.set(stream, ids);
    if (this.streams.size > this.maxStreams) {
      const oldest = this.streams.keys().next().value as string;
      this.streams.delete(oldest);
    }
  }
}
