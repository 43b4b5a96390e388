import { computedChanges, type TimedDraft } from '../../../projections/change-feed';
import { publicValues, zeroValue, type CompiledDefinition } from '../../../projections/computed-attributes';
import type { ComputedValuesRow, ComputedWrites } from '../../read-store/read-store.port';

/**
 * The `computed.changed` items of values written outside a batch (a lapse, a backfill step, a re-derivation): each
 * graph's new values against the row it replaces, at `atOf(graphId)` (a lapse's due moment, a step's clock), ordered
 * by that moment, then graph id and name, so one write's items keep one order.
 */
export function valueChangesOf(
  previous: readonly ComputedValuesRow[],
  writes: ComputedWrites,
  definitions: readonly CompiledDefinition[],
  profileIdOf: (graphId: string) => string,
  atOf: (graphId: string) => number,
): TimedDraft[] {
  const before = new Map(previous.map((r) => [r.graphId, publicValues(r.values)]));
  const zero = Object.fromEntries(definitions.map((d) => [d.name, zeroValue(d.fn)]));
  const rows = [...(writes.values?.upsert ?? [])].sort((x, y) => atOf(x.graphId) - atOf(y.graphId) || (x.graphId < y.graphId ? -1 : x.graphId > y.graphId ? 1 : 0));
  return rows.flatMap((row) =>
    computedChanges(profileIdOf(row.graphId), before.get(row.graphId), publicValues(row.values), zero).map((draft) => ({ ...draft, at: atOf(row.graphId) })),
  );
}
