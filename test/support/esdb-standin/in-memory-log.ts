import { randomUUID } from 'node:crypto';
import { checkCommit, EXPECTED_ANY, EXPECTED_NO_STREAM, EXPECTED_STREAM_EXISTS, type StreamState } from './commit-check';
import { IdempotencyWindow } from './idempotency-window';

/**
 * The stand-in's storage: an append-only list of events with EventStoreDB's coordinates (per-stream revision,
 * global commit/prepare position). Positions are byte offsets into an imaginary transaction file, as on the real
 * server, so they are sparse: code that assumes consecutive positions fails here as it would there.
 */
export interface StoredEvent {
  id: string;
  stream: string;
  revision: bigint;
  commit: bigint;
  prepare: bigint;
  type: string;
  contentType: string;
  /** .NET ticks (100 ns since the Unix epoch), as the server reports `created`. */
  created: bigint;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export type ExpectedState = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | { ok: true; currentRevision: bigint; commit: bigint; prepare: bigint }
  | { ok: false; currentRevision: bigint | undefined };

/** A write's outcome in the server's terms (StorageWriterService: Ok, AlreadyCommitted, WrongExpectedVersion, StreamDeleted). */
export type WriteOutcome =
  | { kind: 'written' | 'idempotent'; lastRevision: bigint; commit: bigint; prepare: bigint }
  | { kind: 'wrong_expected_version'; current: bigint }
  | { kind: 'stream_deleted' };

export interface AllPosition {
  commit: bigint;
  prepare: bigint;
}

const RECORD_OVERHEAD = 128n;
const TICKS_PER_MS = 10_000n;

export function comparePosition(a: AllPosition, b: AllPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** EventNumber.DeletedStream: `$tb` of a soft-deleted stream, and the last event number of a tombstoned one. */
export const DELETED_STREAM = 2n ** 63n - 1n;

export class InMemoryLog {
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /** `$tb` of each stream's metadata: revisions below it are hidden from stream reads (they stay in $all until a scavenge). */
  private readonly truncateBefore = new Map<string, bigint>();
  private readonly tombstones = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private nextOffset = 0n;

  constructor(readonly window = new IdempotencyWindow()) {}

  /** The stream's current revision, undefined when it has no visible event (never written, or soft-deleted). */
  currentRevision(stream: string): bigint | undefined {
    const events = this.streams.get(stream);
    if (!events || events.length <= this.firstVisible(stream)) return undefined;
    return BigInt(events.length - 1);
  }

  /** Revision of the oldest event a stream read returns. */
  firstVisible(stream: string): number {
    const tb = this.truncateBefore.get(stream) ?? 0n;
    return tb >= DELETED_STREAM ? Number.MAX_SAFE_INTEGER : Number(tb);
  }

  isTombstoned(stream: string): boolean {
    return this.tombstones.has(stream);
  }

  /** What the server's commit check reads of a stream. */
  state(stream: string): StreamState {
    const events = this.streams.get(stream) ?? [];
    return {
      lastEventNumber: BigInt(events.length - 1),
      tombstoned: this.tombstones.has(stream),
      softDeleted: this.truncateBefore.get(stream) === DELETED_STREAM,
      hasMetadata: (this.streams.get(`$$${stream}`)?.length ?? 0) > 0,
      idAt: (n) => events[Number(n)]?.id,
    };
  }

  /**
   * A write as the server makes it: the commit check, then the events, then (a soft-deleted stream being written
   * again) SoftUndeleteStream's new `$tb` at the first new revision, so only the new events read back.
   */
  write(stream: string, expected: bigint, proposed: ProposedEvent[]): WriteOutcome {
    const decision = checkCommit(stream, this.state(stream), expected, proposed.map((p) => p.id), this.window);
    switch (decision.kind) {
      case 'wrong_expected_version':
      case 'stream_deleted':
        return decision;
      case 'idempotent': {
        const original = (this.streams.get(stream) as StoredEvent[])[Number(decision.last)];
        return { kind: 'idempotent', lastRevision: decision.last, commit: original.commit, prepare: original.prepare };
      }
    }
    const firstNew = this.state(stream).lastEventNumber + 1n;
    const written = this.store(stream, proposed);
    if (decision.softDeleted) this.setTruncateBefore(stream, firstNew);
    return { kind: 'written', ...written };
  }

  /** The legacy Append's outcome shape, for its handler. */
  append(stream: string, expected: ExpectedState, proposed: ProposedEvent[]): AppendOutcome {
    const outcome = this.write(stream, expectedVersion(expected), proposed);
    if (outcome.kind === 'stream_deleted') throw new Error(`${stream} is deleted`);
    if (outcome.kind === 'wrong_expected_version') return { ok: false, currentRevision: outcome.current < 0n ? undefined : outcome.current };
    return { ok: true, currentRevision: outcome.lastRevision, commit: outcome.commit, prepare: outcome.prepare };
  }

  private store(stream: string, proposed: ProposedEvent[]): { lastRevision: bigint; commit: bigint; prepare: bigint } {
    const target = this.streams.get(stream) ?? [];
    if (proposed.length === 0) return { lastRevision: BigInt(target.length - 1), commit: this.nextOffset, prepare: this.nextOffset };
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    let last = target[target.length - 1];
    for (const p of proposed) {
      last = { ...p, stream, revision: BigInt(target.length), commit: this.nextOffset, prepare: this.nextOffset, created };
      this.nextOffset += RECORD_OVERHEAD + BigInt(p.data.length + p.customMetadata.length);
      target.push(last);
      this.all.push(last);
      this.window.put(p.id, { stream, eventNumber: last.revision });
    }
    this.streams.set(stream, target);
    for (const listener of [...this.listeners]) listener();
    return { lastRevision: last.revision, commit: last.commit, prepare: last.prepare };
  }

  stream(stream: string): readonly StoredEvent[] | undefined {
    return this.streams.get(stream);
  }

  /**
   * A soft delete, as the server does it: a `$metadata` event setting `$tb` to EventNumber.DeletedStream in the
   * `$$stream` metadata stream. The stream reads as missing; its last event number stays, so a later append
   * recreates it with revisions carrying on.
   */
  softDelete(stream: string, expected: ExpectedState): AppendOutcome {
    const current = this.currentRevision(stream);
    if (current === undefined || !matches(expected, current)) return { ok: false, currentRevision: current };
    return this.setTruncateBefore(stream, DELETED_STREAM);
  }

  /** A hard delete: the name can never be written again (Streams.Tombstone). */
  tombstone(stream: string, expected: ExpectedState): AppendOutcome {
    const current = this.currentRevision(stream);
    if (this.tombstones.has(stream) || !matches(expected, current)) return { ok: false, currentRevision: current };
    this.tombstones.add(stream);
    this.truncateBefore.set(stream, DELETED_STREAM);
    const marker = { id: randomUUID(), type: '$streamDeleted', contentType: 'application/json', data: new Uint8Array(), customMetadata: new Uint8Array() };
    const written = this.store(stream, [marker]);
    return { ok: true, currentRevision: DELETED_STREAM, commit: written.commit, prepare: written.prepare };
  }

  private setTruncateBefore(stream: string, truncateBefore: bigint): AppendOutcome {
    const data = new TextEncoder().encode(JSON.stringify({ $tb: Number(truncateBefore) }));
    const marker = { id: randomUUID(), type: '$metadata', contentType: 'application/json', data, customMetadata: new Uint8Array() };
    const written = this.store(`$$${stream}`, [marker]);
    this.truncateBefore.set(stream, truncateBefore);
    return { ok: true, currentRevision: written.lastRevision, commit: written.commit, prepare: written.prepare };
  }

  /** Index of the first event at or after the position (the real server reads $all inclusively). */
  indexAtOrAfter(position: AllPosition): number {
    let lo = 0;
    let hi = this.all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePosition(this.all[mid], position) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  at(index: number): StoredEvent | undefined {
    return this.all[index];
  }

  get length(): number {
    return this.all.length;
  }

  /** Called synchronously after every append; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function matches(expected: ExpectedState, current: bigint | undefined): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      return current === undefined;
    case 'stream_exists':
      return current !== undefined;
    case 'revision':
      return current === expected.revision;
  }
}

/** ExpectedState in the server's numbers (AnyStreamRevision / ExpectedVersion). */
export function expectedVersion(expected: ExpectedState): bigint {
  switch (expected.kind) {
    case 'any':
      return EXPECTED_ANY;
    case 'no_stream':
      return EXPECTED_NO_STREAM;
    case 'stream_exists':
      return EXPECTED_STREAM_EXISTS;
    case 'revision':
      return expected.revision;
  }
}
