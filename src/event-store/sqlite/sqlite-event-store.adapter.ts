import Database from 'better-sqlite3';
import { badRequest, unavailable, WrongExpectedRevisionError } from '../../common';
import { WalSync, type FsyncFn } from '../../common/sqlite';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  LogSubscription,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store.port';
import { isPosition, type Position } from '../position';
import { AppendSignal } from './append-signal';
import { DurableWatermark } from './durable-watermark';
import { GroupCommitter, type Outcome } from './group-commit';
import { appendInTransaction, type AppendRequest } from './sqlite-append';
import { translateSqliteError } from './sqlite-errors';
import { SqliteLogSubscription } from './sqlite-log-subscription';
import { prepareDatabase } from './sqlite-schema';
import { prepareStatements, toRecordedEvent, type Statements } from './sqlite-statements';

export interface SqliteEventStoreOptions {
  /** Appends coalesced into one transaction, at most (default 512). */
  maxBatchAppends?: number;
  /** Events written by one transaction, at most, unless one append alone is larger (default 8192). */
  maxBatchEvents?: number;
  /** readAll page size when no limit is given, and its cap (default 1000). */
  maxPageSize?: number;
  /** Page a subscription reads at a time (default 256). */
  subscriptionPageSize?: number;
  /**
   * How often an idle subscription looks for appends made by another process (default 200 ms; every 10 ms while
   * they come: sqlite-log-subscription.ts).
   */
  pollIntervalMs?: number;
  /** How long to wait for another process's write lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
  /** How the WAL's descriptor is synced (default: fsync in libuv's thread pool); tests hold or fail it. */
  fsync?: FsyncFn;
}

export interface SqliteEventStoreStats {
  /** Transactions committed by group commit (the fsyncs after them are shared: see durable-watermark.ts). */
  transactions: number;
  /** Append calls served (stored, duplicate or failed). */
  appends: number;
  /** Events newly stored (duplicates not counted). */
  eventsAppended: number;
  /** Most append calls one transaction served. */
  largestBatch: number;
}

/**
 * The embedded event log: one SQLite file in WAL mode, appends coalesced by group commit. Commits do not wait for
 * the disk (synchronous=NORMAL); an append resolves, and any reader gets an event, only once the durable watermark
 * (durable-watermark.ts) is past it, that is after an fsync of the WAL in libuv's thread pool that started after
 * its commit. So the event loop no longer blocks for the flush (25.8 % of the main thread's wall time at a paced
 * 1,000 events/s, issue 15); appends that arrive meanwhile wait for it and then share one commit, as they did when
 * the flush blocked the loop (group-commit.ts, `hold`).
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly statements: Statements;
  private readonly committer: GroupCommitter<AppendRequest, AppendResult>;
  private readonly watermark: DurableWatermark;
  private readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<SqliteLogSubscription>();
  private readonly options: Required<Omit<SqliteEventStoreOptions, 'fsync'>>;
  /** A batch's appends in the transaction itself: the common case, no savepoint per append. */
  private readonly commitPlain: Database.Transaction<(batch: AppendRequest[]) => Outcome<AppendResult>[]>;
  /** The same batch with each append in a savepoint of its own: only after the plain run met an unexpected error. */
  private readonly commitIsolated: Database.Transaction<(batch: AppendRequest[]) => Outcome<AppendResult>[]>;
  private lastRecordedAt = 0;
  private eventsAppended = 0;
  private open = true;
  /** False from the start of close(): appends already submitted finish, new ones are refused. */
  private accepting = true;
  private closing?: Promise<void>;

  constructor(file: string, { fsync, ...options }: SqliteEventStoreOptions = {}) {
    this.options = {
      maxBatchAppends: 512,
      maxBatchEvents: 8192,
      maxPageSize: 1000,
      subscriptionPageSize: 256,
      pollIntervalMs: 200,
      busyTimeoutMs: 5000,
      ...options,
    };
    this.db = new Database(file);
    prepareDatabase(this.db, this.options.busyTimeoutMs);
    this.statements = prepareStatements(this.db);
    // A read opens (and if need be creates) the WAL, so the file is there to be synced; SQLite removes it only
    // when the last connection to the database closes, and this one stays open until close().
    this.statements.head.get();
    this.watermark = new DurableWatermark(WalSync.open(`${this.db.name}-wal`, fsync), () => this.headNumber());
    // Nested inside the batch transaction this runs in a savepoint: a failed append rolls back alone.
    const appendIsolated = this.db.transaction((request: AppendRequest, recordedAt: number) =>
      appendInTransaction(this.statements, request, recordedAt),
    );
    this.commitPlain = this.db.transaction((batch: AppendRequest[]) => {
      const recordedAt = this.nextRecordedAt();
      return batch.map((request): Outcome<AppendResult> => {
        try {
          return { ok: true, value: appendInTransaction(this.statements, request, recordedAt) };
        } catch (error) {
          // Refused before it wrote anything (sqlite-append.ts checks the revision first): its own outcome.
          if (error instanceof WrongExpectedRevisionError) return { ok: false, error };
          // It may have written part of its events: roll the whole batch back and run it again, isolated.
          throw new NeedsIsolation(error);
        }
      });
    });
    this.commitIsolated = this.db.transaction((batch: AppendRequest[]) => {
      const recordedAt = this.nextRecordedAt();
      return batch.map((request): Outcome<AppendResult> => {
        try {
          return { ok: true, value: appendIsolated(request, recordedAt) };
        } catch (error) {
          return { ok: false, error: translateSqliteError(error) };
        }
      });
    });
    this.committer = new GroupCommitter((batch) => this.commitBatch(batch), {
      maxRequests: this.options.maxBatchAppends,
      maxWeight: this.options.maxBatchEvents,
      hold: () => this.watermark.syncing(),
    });
  }

  /**
   * Resolves once the append is durable. A refused append (a revision conflict) also waits for the watermark to
   * pass the head it was judged against: what it reports must not be undone by a power cut either.
   */
  append(stream: string, events: EventToAppend[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    try {
      if (!this.accepting) throw closedError();
      if (this.watermark.failed) throw this.watermark.failed;
      validateAppend(stream, events, expectedRevision);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.committer.submit({ stream, events, expectedRevision }, Math.max(1, events.length)).then(
      (result) => this.watermark.reach(Number(result.position)).then(() => result),
      (error: unknown) =>
        this.watermark.reach(this.headNumber()).then(() => {
          throw error;
        }),
    );
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const from = Math.max(0, options.fromRevision ?? 0);
    const limit = options.limit ?? -1;
    return this.durable(vendorErrorsTranslated(() => this.statements.readStream.all(stream, from, limit).map(toRecordedEvent)));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = Math.min(Math.max(1, options.limit ?? this.options.maxPageSize), this.options.maxPageSize);
    return this.durable(this.readAfter(parseAfter(options.after), limit));
  }

  subscribeToAll(options: { after?: Position } = {}): LogSubscription {
    this.assertOpen();
    const source = {
      readAfter: (position: number, limit: number) => this.readAfter(position, limit),
      durable: (position: number) => this.watermark.reach(position),
      headNumber: () => this.headNumber(),
      signal: this.signal,
      isOpen: () => this.open,
    };
    const subscription = new SqliteLogSubscription(
      source,
      parseAfter(options.after),
      { pageSize: this.options.subscriptionPageSize, pollIntervalMs: this.options.pollIntervalMs },
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Deletes the streams' events with secure_delete on (their bytes are zeroed in the pages and in freed pages), then
   * checkpoints and truncates the WAL, so no copy remains in the file or its WAL. No VACUUM: the log is append-only
   * (no stale row copies for one to clean), and on a large log it would stall every append for seconds.
   */
  async eraseStreams(streams: string[]): Promise<number> {
    this.assertOpen();
    const removed = vendorErrorsTranslated(() => {
      this.db.pragma('secure_delete = ON');
      const removeEvents = this.db.prepare('DELETE FROM events WHERE stream = ?');
      const removeStream = this.db.prepare('DELETE FROM streams WHERE stream = ?');
      return this.db.transaction(() =>
        streams.reduce((n, stream) => (removeStream.run(stream), n + removeEvents.run(stream).changes), 0),
      )();
    });
    // Durable before the checkpoint: one that another process's reader keeps from finishing leaves it in the WAL.
    await this.watermark.flush();
    vendorErrorsTranslated(() => this.db.pragma('wal_checkpoint(TRUNCATE)'));
    return removed;
  }

  async headPosition(): Promise<Position | undefined> {
    this.assertOpen();
    const head = this.headNumber();
    await this.watermark.reach(head);
    return head > 0 ? String(head) : undefined;
  }

  stats(): SqliteEventStoreStats {
    const { transactions, requests, largestBatch } = this.committer.stats();
    return { transactions, appends: requests, eventsAppended: this.eventsAppended, largestBatch };
  }

  /** Finishes the appends already submitted, ends every subscription, then closes the file. */
  close(): Promise<void> {
    if (!this.closing) {
      this.accepting = false;
      this.closing = this.finishAndClose();
    }
    return this.closing;
  }

  private async finishAndClose(): Promise<void> {
    await this.committer.drained();
    this.open = false;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.watermark.close();
    this.db.close();
  }

  private readAfter(position: number, limit: number): RecordedEvent[] {
    return vendorErrorsTranslated(() => this.statements.readAfter.all(position, limit).map(toRecordedEvent));
  }

  private headNumber(): number {
    return this.statements.head.get()?.position ?? 0;
  }

  /**
   * Events read in log (or stream) order, handed over once the newest, the last, is on disk: they may be commits
   * whose fsync still runs, this process's or another's.
   */
  private async durable(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    if (events.length > 0) await this.watermark.reach(Number(events[events.length - 1].position));
    return events;
  }

  private commitBatch(batch: AppendRequest[]): Outcome<AppendResult>[] {
    // Submitted before the fsync failed, held since: nothing more is committed to a log that cannot be synced.
    if (this.watermark.failed) throw this.watermark.failed;
    let outcomes: Outcome<AppendResult>[];
    try {
      outcomes = this.commitOnce(batch);
    } catch (error) {
      throw translateSqliteError(error);
    }
    const stored = outcomes.reduce((n, o) => n + (o.ok ? o.value.events.filter((e) => !e.duplicate).length : 0), 0);
    this.eventsAppended += stored;
    if (stored > 0) this.signal.fire();
    return outcomes;
  }

  /**
   * A savepoint per append costs two statements each (SAVEPOINT, RELEASE; 4-8 µs per event in batches of 1000) only
   * to isolate a failure that almost never comes: the revision check refuses before any write. So the batch runs
   * plain first; an append that fails in any other way (it may have written part of its events) rolls the whole
   * transaction back, and the batch runs again with each append in its own savepoint, as it always did.
   */
  private commitOnce(batch: AppendRequest[]): Outcome<AppendResult>[] {
    try {
      return this.commitPlain.immediate(batch);
    } catch (error) {
      if (!(error instanceof NeedsIsolation)) throw error;
      return this.commitIsolated.immediate(batch);
    }
  }

  /**
   * Log time, shared by one transaction, never earlier than the newest event's (positions and time agree). Read
   * inside the write transaction so another process writing the same file cannot make it go back.
   */
  private nextRecordedAt(): number {
    const newest = this.statements.head.get()?.recorded_at ?? 0;
    this.lastRecordedAt = Math.max(Date.now(), this.lastRecordedAt, newest);
    return this.lastRecordedAt;
  }

  private assertOpen(): void {
    if (!this.open) throw closedError();
  }
}

export function openSqliteEventStore(file: string, options?: SqliteEventStoreOptions): SqliteEventStore {
  return new SqliteEventStore(file, options);
}

/** Thrown out of a plain batch run to roll it back: one of its appends failed after it may have written. */
class NeedsIsolation extends Error {
  constructor(readonly reason: unknown) {
    super('An append failed inside a plain batch run');
  }
}

/** A request that reaches the store while the service shuts down is "not available", not a server fault. */
function closedError() {
  return unavailable('EVENT_STORE_CLOSED', 'The event log is closed');
}

function vendorErrorsTranslated<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw translateSqliteError(error);
  }
}

function parseAfter(after: Position | undefined): number {
  if (after === undefined) return 0;
  if (!isPosition(after) || after.includes('/')) {
    throw badRequest('POSITION_INVALID', `Not a position of this event log: ${String(after)}`);
  }
  return Number(after);
}

function validateAppend(stream: string, events: EventToAppend[], expected: ExpectedRevision): void {
  if (typeof stream !== 'string' || stream.length === 0) throw badRequest('INVALID_STREAM', 'Stream name is empty');
  if (!Array.isArray(events)) throw badRequest('INVALID_EVENTS', 'Events must be an array');
  for (const e of events) {
    if (typeof e?.eventId !== 'string' || e.eventId.length === 0 || typeof e.type !== 'string') {
      throw badRequest('INVALID_EVENTS', 'Every event needs an eventId and a type');
    }
  }
  const named = expected === 'any' || expected === 'no_stream' || expected === 'stream_exists';
  if (!named && !(Number.isInteger(expected) && expected >= -1)) {
    throw badRequest('INVALID_EXPECTED_REVISION', `Not an expected revision: ${String(expected)}`);
  }
}
