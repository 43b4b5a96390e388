import { AGGREGATES } from './aggregates';
import type { CompiledDefinition, ComputedFunction } from './definition';
import { advanceAll, graphNextChangeAt, graphValues, type ComputedValues } from './graph-values';
import type { ComputedEvent } from './match-event';
import { applyEvent, emptyPrimaryState, forgetUndefined, type PrimaryComputedState } from './window-state';

/**
 * The window engine inside a projector batch: the states of every primary identity the batch loaded (keyed by
 * identity key), which of them changed, and per graph the values and the time they next change by time alone.
 */
export interface ComputedScope {
  states: Map<string, PrimaryComputedState>;
  changed: Set<string>;
}

export interface ComputedContext {
  definitions: readonly CompiledDefinition[];
  /** The projector's clock for this batch (or the lapse being applied; or asOf's T). */
  now: number;
}

export interface GraphComputed {
  graphId: string;
  values: ComputedValues;
  dueAt?: number;
}

export function computedScopeOf(states: Iterable<[string, PrimaryComputedState]>): ComputedScope {
  return { states: new Map(states), changed: new Set() };
}

/** Folds one timeline event into its primary identity's state; true when the state changed (the event counted). */
export function foldComputedEvent(scope: ComputedScope, ctx: ComputedContext, primaryKey: string, event: ComputedEvent): boolean {
  let state = scope.states.get(primaryKey);
  if (!state) scope.states.set(primaryKey, (state = emptyPrimaryState(ctx.now)));
  if (!applyEvent(state, ctx.definitions, event, ctx.now)) return false;
  scope.changed.add(primaryKey);
  return true;
}

/** A graph's values at ctx.now: its members' states advanced to now (those that changed are marked), merged. */
export function computeGraph(scope: ComputedScope, ctx: ComputedContext, graphId: string, members: Iterable<string>): GraphComputed {
  const keyed = [...members].map((key) => [key, scope.states.get(key)] as const);
  const states: PrimaryComputedState[] = [];
  for (const [key, state] of keyed) {
    if (!state) continue;
    states.push(state);
    if (forgetUndefined(state, ctx.definitions)) scope.changed.add(key);
  }
  for (const moved of advanceAll(states, ctx.definitions, ctx.now)) {
    for (const [key, state] of keyed) if (state === moved) scope.changed.add(key);
  }
  const dueAt = graphNextChangeAt(states, ctx.definitions);
  return { graphId, values: graphValues(ctx.definitions, states), ...(dueAt === undefined ? {} : { dueAt }) };
}

/** API.md's value of a function over nothing: 0 for count, distinctCount and sum, [] for list, null otherwise. */
export function zeroValue(fn: ComputedFunction): unknown {
  const aggregate = AGGREGATES[fn];
  return aggregate.value(aggregate.empty());
}
