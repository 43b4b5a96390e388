import type { ChangeItem, ChangeType } from '../../projections/change-feed';
import type { ChangeFeedReader } from './change-feed.port';

/** Where the stream writes; `write` resolves once the chunk is accepted without growing the socket's buffer. */
export interface StreamSink {
  write(chunk: string): Promise<void>;
  readonly closed: boolean;
}

export interface StreamOptions {
  after?: string;
  types?: readonly ChangeType[];
  heartbeatMs: number;
  /** The tail's version now: noted before each read. */
  version(): number;
  /** Resolves when the feed may have grown since `version`, or after the timeout. */
  waitForChanges(timeoutMs: number, since: number): Promise<void>;
  now(): number;
}

const PAGE = 100;

/** One Server-Sent Event per change: `id:` the change id (what Last-Event-ID resumes after), `event:` its type. */
export function sseFrame(item: ChangeItem): string {
  return `id: ${item.id}\nevent: ${item.type}\ndata: ${JSON.stringify(item)}\n\n`;
}

/**
 * Streams the feed after `after` until the client goes: a page at a time, each write awaited, so a slow reader
 * holds at most one chunk beyond the socket's own buffer and the feed is only read as fast as the client takes it.
 * A quiet stream sends a comment line every `heartbeatMs` so proxies and clients know it is alive.
 */
export async function pumpChanges(feed: ChangeFeedReader, sink: StreamSink, options: StreamOptions): Promise<void> {
  let after = options.after;
  let lastWrite = options.now();
  while (!sink.closed) {
    const version = options.version();
    const page = await feed.readChanges({ after, limit: PAGE, types: options.types });
    for (const item of page) {
      if (sink.closed) return;
      await sink.write(sseFrame(item));
      after = item.id;
      lastWrite = options.now();
    }
    if (page.length === PAGE) continue;
    const quietFor = options.now() - lastWrite;
    if (quietFor >= options.heartbeatMs) {
      await sink.write(': heartbeat\n\n');
      lastWrite = options.now();
      continue;
    }
    await options.waitForChanges(options.heartbeatMs - quietFor, version);
  }
}
