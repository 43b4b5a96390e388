import type { IdentityKey } from '../../projections/model';
import type { DecodedEvent } from '../events';
import type { ProfileRecord } from '../read-store/read-store.port';

/** How the segment's scope answers for a graph now, as a part ending here would build it (project-batch.ts). */
export interface GraphNow {
  profileOf(graphId: IdentityKey): ProfileRecord | undefined;
  /** Its computed values as of `at` (its last item's log time); computing them may advance its window states to it. */
  valuesOf(graphId: IdentityKey, at: number): Record<string, unknown>;
  /** Its values as the store holds them (before the segment). */
  storedValuesOf(graphId: IdentityKey): Record<string, unknown>;
}

/** What a graph is asked about at a later item on it (SegmentOptions.settled). */
export interface SettledQuestion {
  graphId: IdentityKey;
  /** Its profile as the scope holds it now; undefined: it has none. */
  profile: ProfileRecord | undefined;
  /** Its computed values as of its last item, and as they were at the last question (or as stored). */
  values: Record<string, unknown>;
  valuesBefore: Record<string, unknown>;
  /** Its items since then, in log order: what can have changed for its audiences. */
  items: readonly DecodedEvent[];
}

/**
 * The graphs of one segment an item that could move memberships touched, each with its items since it was last
 * found settled: at a later item on one of them, the segment goes on only if its memberships stand (asked with
 * what a part ending there would evaluate), and a graph an item reshaped always ends it.
 */
export class UnsettledGraphs {
  private readonly since = new Map<IdentityKey, { items: DecodedEvent[]; values: Record<string, unknown>; moved: boolean }>();
  private readonly reshaped = new Set<IdentityKey>();

  constructor(
    private readonly now: GraphNow,
    private readonly settled: ((question: SettledQuestion) => boolean) | undefined,
  ) {}

  /** An item folded that touched the graph (moves: it could move memberships; reshaped: it created, merged or split it). */
  touched(graphId: IdentityKey, item: DecodedEvent, moves: boolean, reshaped: boolean): void {
    let entry = this.since.get(graphId);
    if (!entry) this.since.set(graphId, (entry = { items: [], values: this.now.storedValuesOf(graphId), moved: false }));
    // A graph the item found and left is named twice (before and after it).
    if (entry.items[entry.items.length - 1] !== item) entry.items.push(item);
    if (moves) entry.moved = true;
    if (reshaped) this.reshaped.add(graphId);
  }

  /** Whether an item on the graph (its last item logged at `at`) must wait for the next part. */
  endsBefore(graphId: IdentityKey, at: number): boolean {
    const entry = this.since.get(graphId);
    if (!entry?.moved) return false;
    if (this.reshaped.has(graphId) || !this.settled) return true;
    const values = this.now.valuesOf(graphId, at);
    if (!this.settled({ graphId, profile: this.now.profileOf(graphId), values, valuesBefore: entry.values, items: entry.items })) return true;
    this.since.set(graphId, { items: [], values, moved: false });
    return false;
  }
}
