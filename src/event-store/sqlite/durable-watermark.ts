/** What the watermark needs of a WalSync (src/common/sqlite): every promise sync() returns is of an fsync that starts after the call. */
export interface WalSyncer {
  sync(): Promise<void>;
  close(): Promise<void>;
}

interface Requested {
  /** The highest position committed when this sync was asked for: on disk once it resolves. */
  covers: number;
  sync: Promise<void>;
  done: Promise<void>;
}

const RESOLVED = Promise.resolve();

/** Thrown at whoever waits for the watermark after the fsync of the log's WAL failed once. */
export class LogNotDurableError extends Error {
  constructor(cause: unknown) {
    super(
      `The event log could not make its writes durable (fsync of its WAL failed: ${cause instanceof Error ? cause.message : String(cause)}); ` +
        'it refuses writes, and reads past the last durable position, until the service restarts',
      { cause },
    );
    this.name = 'LogNotDurableError';
  }
}

/**
 * The log's durable watermark: the highest position known to be on disk. The connection commits at
 * synchronous=NORMAL (the commit's frames reach the WAL file, not the disk), so neither an append's caller nor any
 * reader may be handed an event until an fsync of the WAL that started after the event's commit has completed.
 *
 * `reach(p)` waits for that, for an event at position p this process has seen committed (its own append, or a row it
 * read, which may be another process's commit). A sync asked for now covers everything committed before now, so it
 * covers the log's head read now, by whichever connection: one sync moves the watermark past every event visible
 * at its request, and a reader that catches up on a long log pays one sync, not one per page. Callers already
 * covered by a sync in flight share it; the others share the next one (WalSync queues at most one).
 *
 * A failed fsync freezes the watermark for good (WalSync fails every later sync too): whoever waits for a position
 * past it is rejected, so an append whose sync failed is never acknowledged and no reader sees its events; what is
 * at or below the watermark was on disk before the failure and stays readable.
 */
export class DurableWatermark {
  private durable = 0;
  private readonly requested: Requested[] = [];
  private failure?: LogNotDurableError;
  private closed = false;

  constructor(
    private readonly wal: WalSyncer,
    /** The log's highest committed position, read from the database when a sync is asked for. */
    private readonly head: () => number,
  ) {}

  /** Highest position whose sync completed (0: none yet in this process). */
  get position(): number {
    return this.durable;
  }

  get failed(): LogNotDurableError | undefined {
    return this.failure;
  }

  /** Resolves once the event at `position`, already committed, is on disk; at once when the watermark is past it. */
  reach(position: number): Promise<void> {
    if (position <= this.durable) return RESOLVED;
    if (this.failure) return Promise.reject(this.failure);
    const covering = this.requested.find((r) => r.covers >= position);
    return covering ? covering.done : this.request(position);
  }

  /** Resolves after a sync asked for now: for a write that has no position of its own (an erasure's deletes). */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.request(0);
  }

  /** Settles when the sync in flight does (never rejects); undefined when none is. */
  syncing(): Promise<void> | undefined {
    return this.requested[0]?.done.catch(() => undefined);
  }

  /** Waits for the syncs asked for, then lets go of the WAL; positions past the watermark are refused from here. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.requested.map((r) => r.done));
    await this.wal.close();
  }

  private request(position: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The event log is closed'));
    const covers = Math.max(position, this.head());
    const sync = this.wal.sync();
    const last = this.requested.at(-1);
    // The same (queued) fsync as the last request: it starts after this call as well, so it covers this head too.
    if (last?.sync === sync) {
      last.covers = Math.max(last.covers, covers);
      return last.done;
    }
    const entry: Requested = { covers, sync, done: RESOLVED };
    entry.done = sync.then(
      () => {
        this.durable = Math.max(this.durable, entry.covers);
        this.forget(entry);
      },
      (error: unknown) => {
        this.failure ??= new LogNotDurableError(error);
        this.forget(entry);
        throw this.failure;
      },
    );
    this.requested.push(entry);
    return entry.done;
  }

  private forget(entry: Requested): void {
    this.requested.splice(this.requested.indexOf(entry), 1);
  }
}
