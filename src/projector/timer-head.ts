import type { IdentityKey } from '../../projections/model';
import type { ComputedWrites, ReadStore } from '../read-store';

interface Head {
  /** undefined: no graph has a window change due. */
  at?: number;
  graphId?: IdentityKey;
}

/**
 * The head of the timer queue (the soonest window change due in any graph) across the parts of one segment, so each
 * part need not query it twice (the lapses due by its first item, then the soonest for projectSegment): with
 * audiences nearly every item is a part of its own, and the two queries were 7 % of the fold. It is exact, never a
 * guess, since a part boundary placed by it numbers feed items: once read, it follows the parts' own values writes
 * (a sooner due time becomes the head; a part that rewrites or deletes the head's graph may have moved it later, so
 * it is read again), and whatever else writes values (a lapse, a backfill ahead, a part committed event by event)
 * makes the caller `forget` it. One per segment: nothing outside the segment's group writes meanwhile
 * (computed.exclusive), and a failed group ends the segment with it.
 */
export class TimerHead {
  private head?: Head;

  constructor(private readonly store: ReadStore) {}

  /** The soonest due time (epoch ms), undefined when nothing is due ever. */
  async soonest(): Promise<number | undefined> {
    if (!this.head) {
      const [row] = await this.store.getDueComputed(Number.MAX_SAFE_INTEGER, 1);
      this.head = row?.dueAt === undefined ? {} : { at: row.dueAt, graphId: row.graphId };
    }
    return this.head.at;
  }

  /** Whether a window change is due at or before `until` (then the lapses must be applied). */
  async dueBy(until: number): Promise<boolean> {
    const at = await this.soonest();
    return at !== undefined && at <= until;
  }

  /** After a part committed these values writes. */
  committed(values: ComputedWrites['values']): void {
    const head = this.head;
    if (!head || !values) return;
    if (head.graphId !== undefined && (values.delete?.includes(head.graphId) || values.upsert?.some((v) => v.graphId === head.graphId))) {
      this.head = undefined;
      return;
    }
    for (const { graphId, dueAt } of values.upsert ?? []) {
      if (dueAt !== undefined && (head.at === undefined || dueAt < head.at)) [head.at, head.graphId] = [dueAt, graphId];
    }
  }

  /** Something other than the parts wrote values: read the head again when next asked. */
  forget(): void {
    this.head = undefined;
  }
}
