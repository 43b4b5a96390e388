import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  START,
  DeadlineExceededError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  jsonEvent,
  type Position as EsdbPosition,
} from '@eventstore/db-client';
import { unavailable, WrongExpectedRevisionError } from '../../common/app-error';
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
  ) {}

  append(stream: string, events: EventToAppend[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    return this.locks.exclusive(stream, () => this.appendExclusive(stream, events, expectedRevision));
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
        const written = await this.client.appendToStream(stream, fresh.map(toJsonEvent), {
          expectedRevision: known.revision < 0 ? 'no_stream' : BigInt(known.revision),
        });
        const freshIds = new Set(fresh.map((e) => e.eventId));
        return result(events, await this.refreshIds(stream), Number(written.nextExpectedRevision), freshIds);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_APPEND_ATTEMPTS) throw translate(error, stream);
        known = await this.refreshIds(stream);
        verified = true;
      }
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return (await this.readStreamOrMissing(stream, options)) ?? [];
  }

  /** Undefined when the server says the stream does not exist (never written, or deleted). */
  private async readStreamOrMissing(stream: string, options: ReadStreamOptions): Promise<RecordedEvent[] | undefined> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        fromRevision: BigInt(options.fromRevision ?? 0),
        maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of read) events.push(toRecordedEvent(resolved));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
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
      this.ids.forget(stream);
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
    const tail = await this.readStreamOrMissing(stream, { fromRevision: known.revision + 1 });
    if (tail === undefined && known.revision >= 0) known = { revision: -1, ids: new Map() };
    for (const event of tail ?? []) {
      known.ids.set(event.eventId, { position: event.position, revision: event.revision });
      known.revision = Math.max(known.revision, event.revision);
    }
    this.ids.set(stream, known);
    return known;
  }
}

export interface EventStoreDbOptions {
  /** How subscriptions resume after a drop; defaults to 100 ms doubling up to 5 s. */
  resubscribe?: Partial<ResubscribePolicy>;
}

export function openEventStoreDb(connectionString: string, options: EventStoreDbOptions = {}): EventStore {
  const resubscribe = { ...DEFAULT_RESUBSCRIBE, ...options.resubscribe };
  return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), resubscribe);
}

function toJsonEvent(event: EventToAppend) {
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: event.metadata ?? {} });
}

/** The events of this append not yet in the stream, each id once (a repeated id within one append is one event). */
function uniqueNew(events: EventToAppend[], known: StreamIds): EventToAppend[] {
  const seen = new Set<string>();
  return events.filter((e) => !known.ids.has(e.eventId) && !seen.has(e.eventId) && seen.add(e.eventId));
}

/** Each event with its position; a duplicate is one that was in the stream before, or repeats an earlier one. */
function result(events: EventToAppend[], known: StreamIds, nextExpectedRevision: number, fresh: Set<string>): AppendResult {
  const seen = new Set<string>();
  const appended = events.map((e) => {
    const stored = known.ids.get(e.eventId);
    if (stored === undefined) throw new Error(`EventStoreDB did not return event ${e.eventId} after appending it`);
    const duplicate = !fresh.has(e.eventId) || seen.has(e.eventId);
    seen.add(e.eventId);
    return { eventId: e.eventId, position: stored.position, duplicate };
  });
  return { position: appended[appended.length - 1].position, nextExpectedRevision, events: appended };
}

/** A pure retry is answered as the original append was: same positions, the revision its events left behind. */
function duplicateResult(events: EventToAppend[], known: StreamIds): AppendResult {
  const revision = Math.max(...events.map((e) => known.ids.get(e.eventId)?.revision ?? -1));
  return result(events, known, revision, new Set());
}

/** An append of nothing changes nothing: it checks the expected revision and reports where the stream is. */
function emptyResult(stream: string, expected: ExpectedRevision, known: StreamIds): AppendResult {
  if (!expectationHolds(expected, known.revision)) {
    throw new WrongExpectedRevisionError(stream, String(expected), describeRevision(known.revision));
  }
  const newest = [...known.ids.values()]
    .map((stored) => stored.position)
    .reduce<Position>((a, b) => (comparePositions(a, b) >= 0 ? a : b), '0/0');
  return { position: newest, nextExpectedRevision: known.revision, events: [] };
}

function describeRevision(revision: number): string {
  return revision < 0 ? 'no_stream' : String(revision);
}

function expectationHolds(expected: ExpectedRevision, current: number): boolean {
  return (
    expected === 'any' ||
    (expected === 'no_stream' && current < 0) ||
    (expected === 'stream_exists' && current >= 0) ||
    expected === current
  );
}

/** Vendor errors stop here: callers see the service's own errors. */
function translate(error: unknown, stream: string): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new WrongExpectedRevisionError(stream, String(error.expectedVersion), typeof actual === 'bigint' ? String(actual) : 'no_stream');
  }
  if (error instanceof UnavailableError || error instanceof DeadlineExceededError) {
    return unavailable('EVENT_STORE_UNAVAILABLE', `EventStoreDB is unavailable: ${error.message}`);
  }
  return error;
}
