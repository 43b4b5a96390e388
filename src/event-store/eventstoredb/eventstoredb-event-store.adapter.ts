import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  NotLeaderError,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type Position as EsdbPosition,
} from '@eventstore/db-client';
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
import { comparePositions, type Position } from '../position';
import { chunksUnder, DEFAULT_MAX_APPEND_BYTES } from './append-chunks';
import { duplicateResult, emptyResult, expectationHolds, result, uniqueNew } from './append-results';
import { onLeader, translate, within } from './eventstoredb-errors';
import { fromPosition, isSystemEvent, toRecordedEvent } from './eventstoredb-mapping';
import { DEFAULT_RESUBSCRIBE, EventStoreDbSubscription, type ResubscribePolicy } from './eventstoredb-subscription';
import { StreamIdIndex, type StreamIds } from './stream-id-index';
import { StreamLocks } from './stream-locks';

const DEFAULT_PAGE = 1000;
const MAX_PAGE = 10_000;
/**
 * Appends retry when a writer in another process got in between the id check and the append. Each lost race is
 * another writer's success, so a bound well above the writers per stream only gives up under real contention.
 */
const MAX_APPEND_ATTEMPTS = 32;
/** See appendToServer: a client clock up to a day behind the server's is harmless. */
const CLOCK_SKEW_ALLOWANCE_MS = 24 * 60 * 60 * 1000;
/** An expected revision no stream reaches (the server refuses it and reports the real one). */
const UNREACHABLE_REVISION = 2n ** 62n;

/**
 * The event log on EventStoreDB (distributed mode). Idempotency is the adapter's own: EventStoreDB only
 * recognises a retried write when it repeats the previous write exactly, so before appending the adapter looks the
 * event ids up in the target stream (an LRU index of ids per stream, brought up to date by reading the stream's
 * tail) and appends only the new ones, with the exact revision it checked against. A concurrent writer makes that
 * append fail, and the check runs again. Limit: an id is recognised within its target stream only; the same id
 * appended to another stream is stored again (Tessera derives the stream from the item, so a retry goes to the
 * same stream).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly ids = new StreamIdIndex();
  private readonly locks = new StreamLocks();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly resubscribe: ResubscribePolicy = DEFAULT_RESUBSCRIBE,
    private readonly limits: AppendLimits = DEFAULT_APPEND_LIMITS,
  ) {}

  append(stream: string, events: EventToAppend[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    return this.locks
      .exclusive(stream, () => onLeader(() => this.appendExclusive(stream, events, expectedRevision)))
      .catch((error: unknown) => {
        throw translate(error, stream);
      });
  }

  /**
   * With the stream's ids cached, the append goes straight to the server with the cached revision as the exact
   * expected one: if it succeeds, the cache held every id of the stream, so the duplicate check was complete; if
   * another writer got in between, the server refuses, the cache is brought up to date and the check runs again.
   */
  private async appendExclusive(stream: string, events: EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    const cached = this.ids.peek(stream);
    let known = cached ?? (await this.refreshIds(stream));
    let verified = cached === undefined;
    for (let attempt = 1; ; attempt++) {
      const fresh = uniqueNew(events, known);
      if (events.length > 0 && fresh.length === 0) return duplicateResult(events, known);
      if (fresh.length === 0 || !expectationHolds(expected, known.revision)) {
        if (verified) return emptyResult(stream, expected, known);
        known = await this.refreshIds(stream);
        verified = true;
        continue;
      }
      try {
        const next = await this.writeInChunks(stream, fresh, known);
        known = await this.refreshIds(stream);
        const freshIds = new Set(fresh.map((e) => e.eventId));
        if (fresh.every((e) => known.ids.has(e.eventId))) return result(events, known, next, freshIds);
        known.hiddenRevision = await this.hiddenRevision(stream, fresh[0]);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
        known = await this.refreshIds(stream);
        if (known.revision < 0 && typeof error.actualVersion === 'bigint') known.hiddenRevision = Number(error.actualVersion);
      }
      verified = true;
      if (attempt >= MAX_APPEND_ATTEMPTS) throw new Error(`EventStoreDB did not store the events of ${stream} after ${attempt} attempts`);
    }
  }

  /**
   * Appends under the server's size limit, each chunk at the exact revision the previous one left (a chunk is
   * atomic; a failure between chunks leaves a prefix stored, which the retry's id check then skips). The
   * expectation for a stream that reads as missing is its hidden revision when one is known: after a soft delete
   * the server keeps the stream's last event number, and `no_stream` there is judged against the deleted events
   * (IndexWriter.CheckCommit), so a re-ingested event whose id matches the deleted first one would be answered as
   * already written and not stored.
   */
  private async writeInChunks(stream: string, fresh: EventToAppend[], known: StreamIds): Promise<number> {
    let expectedRevision: bigint | 'no_stream' =
      known.revision >= 0 ? BigInt(known.revision) : known.hiddenRevision !== undefined ? BigInt(known.hiddenRevision) : 'no_stream';
    for (const chunk of chunksUnder(fresh, this.limits.maxAppendBytes)) {
      const written = await this.appendToServer(stream, chunk, expectedRevision);
      expectedRevision = written.nextExpectedRevision;
    }
    return Number(expectedRevision);
  }

  /**
   * One server append over BatchAppend. The client stamps it with an absolute deadline from its own clock; a clock
   * behind the server's would make the server answer Timeout at once (Streams.BatchAppend.cs: the timeout is
   * deadline − server now). The deadline sent is therefore a day away, which only stops the client's clock from
   * mattering: the server still caps every write at its own write timeout, and the wait here is bounded on the
   * local clock.
   */
  private appendToServer(stream: string, events: EventToAppend[], expectedRevision: bigint | 'no_stream') {
    const appended = this.client.appendToStream(stream, events.map(toJsonEvent), {
      expectedRevision,
      requiresLeader: true,
      deadline: CLOCK_SKEW_ALLOWANCE_MS,
    });
    return within(this.limits.appendTimeoutMs, `an append to ${stream}`, appended);
  }

  /**
   * The server acknowledged events that do not read back: it judged them retries of a soft-deleted stream's events.
   * An append expecting a revision no stream reaches is refused with the stream's real last event number, and
   * stores nothing.
   */
  private async hiddenRevision(stream: string, probe: EventToAppend): Promise<number> {
    try {
      await this.appendToServer(stream, [probe], UNREACHABLE_REVISION);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && typeof error.actualVersion === 'bigint') return Number(error.actualVersion);
      throw error;
    }
    throw new Error(`EventStoreDB accepted an append to ${stream} at revision ${UNREACHABLE_REVISION}`);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return (await this.readStreamOrMissing(stream, options)) ?? [];
  }

  /** Undefined when the server says the stream does not exist (never written, or deleted). */
  private async readStreamOrMissing(stream: string, options: ReadStreamOptions, onLeader = false): Promise<RecordedEvent[] | undefined> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        fromRevision: BigInt(options.fromRevision ?? 0),
        maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
        ...(onLeader ? { requiresLeader: true } : {}),
      });
      for await (const resolved of read) events.push(toRecordedEvent(resolved));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      if (error instanceof NotLeaderError) throw error; // onLeader retries it
      throw translate(error, stream);
    }
    return events;
  }

  /**
   * Deletes each stream (a soft delete, not a tombstone: a tombstoned name can never be written again, and the same
   * person coming back later hashes to the same stream name). Reads find nothing; the events stay in the server's
   * files until the operator's next scavenge (README, Privacy), sealed under keys the erasure deleted.
   */
  async eraseStreams(streams: string[]): Promise<number> {
    let removed = 0;
    for (const stream of streams) {
      const held = await this.readStream(stream);
      if (held.length === 0) continue;
      removed += held.length;
      try {
        await this.client.deleteStream(stream);
      } catch (error) {
        if (!(error instanceof StreamNotFoundError)) throw translate(error, stream);
      }
      // The server keeps counting the deleted stream: the next append there expects its last revision.
      this.ids.set(stream, { revision: -1, ids: new Map(), hiddenRevision: held[held.length - 1].revision });
    }
    return removed;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = Math.min(Math.max(options.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const page: RecordedEvent[] = [];
    let after = options.after;
    // System events count against the server's page, so read on until the page is full or the log ends.
    while (page.length < limit) {
      const want = limit - page.length + 1;
      const raw = await this.readAllRaw(after === undefined ? START : fromPosition(after), want);
      for (const resolved of raw) {
        const recorded = toRecordedEvent(resolved);
        if (after !== undefined && comparePositions(recorded.position, after) <= 0) continue;
        after = recorded.position;
        if (!isSystemEvent(resolved) && page.length < limit) page.push(recorded);
      }
      if (raw.length < want) break;
    }
    return page;
  }

  subscribeToAll(options: { after?: Position } = {}): LogSubscription {
    return new EventStoreDbSubscription(this.client, options.after, () => this.headPosition(), this.resubscribe);
  }

  async headPosition(): Promise<Position | undefined> {
    let from: EsdbPosition | typeof END = END;
    for (;;) {
      const raw = await this.readAllRaw(from, 100, true);
      const newest = raw.find((resolved) => !isSystemEvent(resolved));
      if (newest) return toRecordedEvent(newest).position;
      const oldest = raw.at(-1)?.event?.position;
      if (raw.length < 100 || !oldest) return undefined;
      from = oldest;
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async readAllRaw(from: EsdbPosition | typeof START | typeof END, maxCount: number, backwards = false) {
    const events = [];
    try {
      const read = this.client.readAll({ fromPosition: from, maxCount, ...(backwards ? { direction: BACKWARDS } : {}) });
      for await (const resolved of read) events.push(resolved);
    } catch (error) {
      throw translate(error, '$all');
    }
    return events;
  }

  /**
   * Brings the id index of a stream up to date by reading only the events after the last one indexed. A stream
   * that is missing although it was indexed has been deleted (by another process): its ids are gone with it.
   */
  private async refreshIds(stream: string): Promise<StreamIds> {
    let known = this.ids.get(stream);
    const tail = await this.readStreamOrMissing(stream, { fromRevision: known.revision + 1 }, true);
    if (tail === undefined && known.revision >= 0) known = { revision: -1, ids: new Map() };
    if (tail && tail.length > 0) delete known.hiddenRevision;
    for (const event of tail ?? []) {
      known.ids.set(event.eventId, { position: event.position, revision: event.revision });
      known.revision = Math.max(known.revision, event.revision);
    }
    this.ids.set(stream, known);
    return known;
  }
}

export interface AppendLimits {
  /** The server's MaxAppendSize: larger appends are split into chunks under it. */
  maxAppendBytes: number;
  /** How long an append may wait for the server's answer, on the local clock. */
  appendTimeoutMs: number;
}

export const DEFAULT_APPEND_LIMITS: AppendLimits = { maxAppendBytes: DEFAULT_MAX_APPEND_BYTES, appendTimeoutMs: 10_000 };

export interface EventStoreDbOptions {
  /** How subscriptions resume after a drop; defaults to 100 ms doubling up to 5 s. */
  resubscribe?: Partial<ResubscribePolicy>;
  /** Defaults: the server's default 1 MiB append size, 10 s per append. */
  limits?: Partial<AppendLimits>;
}

export function openEventStoreDb(connectionString: string, options: EventStoreDbOptions = {}): EventStore {
  const resubscribe = { ...DEFAULT_RESUBSCRIBE, ...options.resubscribe };
  const limits = { ...DEFAULT_APPEND_LIMITS, ...options.limits };
  return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), resubscribe, limits);
}

function toJsonEvent(event: EventToAppend) {
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: event.metadata ?? {} });
}
