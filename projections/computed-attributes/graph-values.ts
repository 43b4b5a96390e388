import { AGGREGATES } from './aggregates';
import { COMPUTED_NAME, type CompiledDefinition } from './definition';
import { advance, nextChangeAt, type PrimaryComputedState } from './window-state';

/** A profile's `computed` object: name → value (API.md's zero values where nothing counts). */
export type ComputedValues = Record<string, unknown>;

/**
 * The values of a graph: per definition, the merge of its primary identities' aggregates. Every state must be
 * advanced to one `now` first (advanceAll), since a primary the batch did not touch may hold lapsed entries.
 */
export function graphValues(definitions: readonly CompiledDefinition[], states: readonly PrimaryComputedState[]): ComputedValues {
  const values: ComputedValues = {};
  for (const definition of definitions) values[definition.name] = graphValue(definition, states);
  return values;
}

function graphValue(definition: CompiledDefinition, states: readonly PrimaryComputedState[]): unknown {
  const aggregate = AGGREGATES[definition.fn];
  const parts = states
    .map((s) => s.defs[definition.name])
    .filter((d) => d !== undefined && d.ver === definition.version);
  if (parts.length === 1) return aggregate.value(parts[0]!.acc);
  const merged = aggregate.empty();
  for (const part of parts) aggregate.absorb(merged, part!.acc);
  return aggregate.value(merged);
}

/** Advances every state to `now`; answers the states that changed (to write back). */
export function advanceAll(
  states: readonly PrimaryComputedState[],
  definitions: readonly CompiledDefinition[],
  now: number,
): PrimaryComputedState[] {
  return states.filter((s) => advance(s, definitions, now));
}

/** When the graph's values next change by time alone (its timer), or undefined when never. */
export function graphNextChangeAt(
  states: readonly PrimaryComputedState[],
  definitions: readonly CompiledDefinition[],
): number | undefined {
  let next: number | undefined;
  for (const state of states) {
    const at = nextChangeAt(state, definitions);
    if (at !== undefined && (next === undefined || at < next)) next = at;
  }
  return next;
}

/**
 * Whether time alone changes the graph's values at or before `at` (a lapse, or a future-dated event coming due):
 * such a change must be applied at its own moment before anything logged at `at` is folded.
 */
export function changesBy(
  states: readonly PrimaryComputedState[],
  definitions: readonly CompiledDefinition[],
  at: number,
): boolean {
  const next = graphNextChangeAt(states, definitions);
  return next !== undefined && next <= at;
}

/**
 * The values a profile body shows: the named definitions only. Anonymous ones (an audience's event conditions,
 * named so that no client can define them, e.g. `_ev_…`) are evaluated by the same engine but stay internal.
 */
export function publicValues(values: ComputedValues): ComputedValues {
  const out: ComputedValues = {};
  for (const [name, value] of Object.entries(values)) if (COMPUTED_NAME.test(name)) out[name] = value;
  return out;
}
