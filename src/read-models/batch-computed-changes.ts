import { computedChanges, type ChangeDraft, type ComputedValueMap } from '../../projections/change-feed';
import {
  advanceAll,
  COMPUTED_NAME,
  graphValues,
  publicValues,
  zeroValue,
  type CompiledDefinition,
  type ComputedContext,
  type ComputedScope,
  type PrimaryComputedState,
} from '../../projections/computed-attributes';
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
 * batch, then the last value computed in it), as of the item's log time. The batch's stored values are computed as of
 * each graph's last item too, so the items describe exactly the value change the batch commits.
 */
export class BatchComputedChanges {
  private readonly last = new Map<IdentityKey, ComputedValueMap>();
  private readonly zero: ComputedValueMap;
  /** The named definitions (anonymous ones, an audience's event conditions, are not the feed's business). */
  private readonly named: CompiledDefinition[];

  constructor(
    private readonly scope: ComputedFeedScope & { computed: ComputedScope },
    private readonly ctx: ComputedContext,
    private readonly profileIdOf: (graphId: IdentityKey) => string,
  ) {
    this.named = ctx.definitions.filter((d) => COMPUTED_NAME.test(d.name));
    this.zero = Object.fromEntries(this.named.map((d) => [d.name, zeroValue(d.fn)]));
  }

  /**
   * The drafts for these graphs as of `now` (the item's log time), in graph id order. `moved`: the item counted an
   * event or moved identities; otherwise only a graph whose stored values fell due by time (a lapse the timer had
   * not applied yet) is looked at, once, since the batch's stored values will show it. A graph left without
   * identities has nothing to report.
   */
  after(graphIds: Iterable<IdentityKey>, moved: boolean, now: number = this.ctx.now): ChangeDraft[] {
    const drafts: ChangeDraft[] = [];
    for (const graphId of [...new Set(graphIds)].sort(byCodeUnit)) {
      if (!moved && !this.fellDue(graphId, now)) continue;
      const members = this.scope.graph.members.get(graphId);
      if (!members || members.size === 0) continue;
      const values = this.valuesOf(members, now);
      const before = this.last.get(graphId) ?? this.stored(graphId);
      drafts.push(...computedChanges(this.profileIdOf(graphId), before, values, this.zero));
      this.last.set(graphId, values);
    }
    return drafts;
  }

  /**
   * The graph's named values at `now`: its members' states advanced to it (marked changed, as the batch's
   * own computeGraph would) and merged. Leaner than computeGraph, which the batch still runs once per graph at the
   * end for the stored row (due time, states of deleted definitions), since this runs after every counted event.
   */
  private valuesOf(members: ReadonlySet<IdentityKey>, now: number): ComputedValueMap {
    const states: PrimaryComputedState[] = [];
    const keyOf = new Map<PrimaryComputedState, IdentityKey>();
    for (const key of members) {
      const state = this.scope.computed.states.get(key);
      if (!state) continue;
      states.push(state);
      keyOf.set(state, key);
    }
    for (const moved of advanceAll(states, this.ctx.definitions, now)) this.scope.computed.changed.add(keyOf.get(moved)!);
    return graphValues(this.named, states);
  }

  private fellDue(graphId: IdentityKey, now: number): boolean {
    const dueAt = this.scope.computedValues?.get(graphId)?.dueAt;
    return !this.last.has(graphId) && dueAt !== undefined && dueAt <= now;
  }

  private stored(graphId: IdentityKey): ComputedValueMap | undefined {
    const row = this.scope.computedValues?.get(graphId);
    return row && publicValues(row.values as Record<string, unknown>);
  }
}

const byCodeUnit = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
