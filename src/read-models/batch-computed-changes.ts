import { computedChanges, type ChangeDraft, type ComputedValueMap } from '../../projections/change-feed';
import { computeGraph, publicValues, zeroValue, type ComputedContext, type ComputedScope } from '../../projections/computed-attributes';
import type { IdentityKey } from '../../projections/model';

/** What the computed feed reads of a batch's scope (LoadedScope fits). */
export interface ComputedFeedScope {
  graph: { members: ReadonlyMap<IdentityKey, ReadonlySet<IdentityKey>> };
  computed?: ComputedScope;
  /** The stored values of the scope's graphs before the batch (computed_values rows), by graph id. */
  computedValues?: ReadonlyMap<IdentityKey, { values: ComputedValueMap; dueAt?: number }>;
}

/**
 * `computed.changed` items of a batch, item by item like the profile items (so the feed is the same whatever the
 * batch boundaries): after an item that counted an event or moved identities between graphs, the values of the
 * graphs it touched are computed and compared with what the read model held for them (the stored row before the
 * batch, then the last value computed in it). The batch's stored values are computed afterwards at the same clock,
 * so the items describe exactly the value change the batch commits.
 */
export class BatchComputedChanges {
  private readonly last = new Map<IdentityKey, ComputedValueMap>();
  private readonly zero: ComputedValueMap;

  constructor(
    private readonly scope: ComputedFeedScope & { computed: ComputedScope },
    private readonly ctx: ComputedContext,
    private readonly profileIdOf: (graphId: IdentityKey) => string,
  ) {
    this.zero = Object.fromEntries(ctx.definitions.map((d) => [d.name, zeroValue(d.fn)]));
  }

  /**
   * The drafts for these graphs now, in graph id order. `moved`: the item counted an event or moved identities;
   * otherwise only a graph whose stored values fell due by time (a lapse the timer had not applied yet) is looked
   * at, once, since the batch's stored values will show it. A graph left without identities has nothing to report.
   */
  after(graphIds: Iterable<IdentityKey>, moved: boolean): ChangeDraft[] {
    const drafts: ChangeDraft[] = [];
    for (const graphId of [...new Set(graphIds)].sort(byCodeUnit)) {
      if (!moved && !this.fellDue(graphId)) continue;
      const members = this.scope.graph.members.get(graphId);
      if (!members || members.size === 0) continue;
      const values = publicValues(computeGraph(this.scope.computed, this.ctx, graphId, members).values);
      const before = this.last.get(graphId) ?? this.stored(graphId);
      drafts.push(...computedChanges(this.profileIdOf(graphId), before, values, this.zero));
      this.last.set(graphId, values);
    }
    return drafts;
  }

  private fellDue(graphId: IdentityKey): boolean {
    const dueAt = this.scope.computedValues?.get(graphId)?.dueAt;
    return !this.last.has(graphId) && dueAt !== undefined && dueAt <= this.ctx.now;
  }

  private stored(graphId: IdentityKey): ComputedValueMap | undefined {
    const row = this.scope.computedValues?.get(graphId);
    return row && publicValues(row.values as Record<string, unknown>);
  }
}

const byCodeUnit = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
