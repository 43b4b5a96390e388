import { randomUUID } from 'node:crypto';

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

export class InMemoryLog {
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /** Soft deletes: revisions below this are hidden from stream reads (they stay in $all until a scavenge). */
  private readonly truncatedBefore = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private nextOffset = 0n;

  /** The stream's current revision, undefined when it has no visible event (never written, or soft-deleted). */
  currentRevision(stream: string): bigint | undefined {
    const events = this.streams.get(stream);
    if (!events || events.length <= this.firstVisible(stream)) return undefined;
    return BigInt(events.length - 1);
  }

  /** Revision of the oldest event a stream read returns. */
  firstVisible(stream: string): number {
    return this.truncatedBefore.get(stream) ?? 0;
  }

  append(stream: string, expected: ExpectedState, proposed: ProposedEvent[]): AppendOutcome {
    const events = this.streams.get(stream);
    const current = this.currentRevision(stream);
    if (!matches(expected, current)) return { ok: false, currentRevision: current };
    if (proposed.length === 0) {
      return { ok: true, currentRevision: current ?? -1n, commit: this.nextOffset, prepare: this.nextOffset };
    }
    const target = events ?? [];
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    let last: StoredEvent | undefined;
    for (const p of proposed) {
      last = { ...p, stream, revision: BigInt(target.length), commit: this.nextOffset, prepare: this.nextOffset, created };
      this.nextOffset += RECORD_OVERHEAD + BigInt(p.data.length + p.customMetadata.length);
      target.push(last);
      this.all.push(last);
    }
    this.streams.set(stream, target);
    for (const listener of [...this.listeners]) listener();
    const written = last as StoredEvent;
    return { ok: true, currentRevision: written.revision, commit: written.commit, prepare: written.prepare };
  }

  stream(stream: string): readonly StoredEvent[] | undefined {
    return this.streams.get(stream);
  }

  /**
   * A soft delete, as the server does it: a `$metadata` event setting `$tb` (truncate before) in the `$$stream`
   * metadata stream. The stream reads as missing; a later append recreates it and revisions carry on.
   */
  softDelete(stream: string, expected: ExpectedState): AppendOutcome {
    const current = this.currentRevision(stream);
    if (current === undefined || !matches(expected, current)) return { ok: false, currentRevision: current };
    const truncateBefore = Number(current) + 1;
    const data = new TextEncoder().encode(JSON.stringify({ $tb: truncateBefore }));
    const marker = { id: randomUUID(), type: '$metadata', contentType: 'application/json', data, customMetadata: new Uint8Array() };
    const written = this.append(`$$${stream}`, { kind: 'any' }, [marker]);
    this.truncatedBefore.set(stream, truncateBefore);
    return written;
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
