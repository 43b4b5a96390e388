import type { CompiledDefinition } from './definition';
import { advanceAll, graphValues, publicValues } from './graph-values';
import type { ComputedEvent } from './match-event';
import { applyEvent, buildDefinitions, emptyPrimaryState, type PrimaryComputedState } from './window-state';

/** One entry of a subject's log, in log order: its log time and, for an experience event, the event. */
export interface HistoryLogEntry {
  at: number;
  event?: { primaryKey: string; event: ComputedEvent };
}

/** A history step (projections/history): the entry it stands for and the identities that joined or left. */
export interface HistoryStepRef {
  index: number;
  joined: readonly string[];
  left: readonly string[];
}

export interface ComputedChange {
  name: string;
  before: unknown;
  after: unknown;
}

/**
 * What each history step changed in the subject's computed values: before and after the step, both at the step's
 * log time and under the definitions in force then (so only the step's own effect shows: an event counted, a merge
 * or split). Values that change by time alone between steps (a lapse) belong to no step and are not listed.
 */
export function computedHistory(
  entries: readonly HistoryLogEntry[],
  steps: readonly HistoryStepRef[],
  definitionsAt: (at: number) => readonly CompiledDefinition[],
): Map<number, ComputedChange[]> {
  const out = new Map<number, ComputedChange[]>();
  const states = new Map<string, PrimaryComputedState>();
  const seen = new Map<string, ComputedEvent[]>();
  const members = new Set<string>();
  let folded = 0;
  let inForce: readonly CompiledDefinition[] = [];
  for (const step of steps) {
    const { at } = entries[step.index];
    const definitions = definitionsAt(at);
    if (definitions !== inForce) rebuild(states, seen, (inForce = definitions), at);
    for (; folded < step.index; folded++) foldEntry(entries[folded], states, seen, inForce);
    const before = valuesOf(members, states, inForce, at);
    foldEntry(entries[folded++], states, seen, inForce);
    step.joined.forEach((k) => members.add(k));
    step.left.forEach((k) => members.delete(k));
    const after = valuesOf(members, states, inForce, at);
    const changed = Object.keys(after).filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
    if (changed.length > 0) out.set(step.index, changed.map((name) => ({ name, before: before[name], after: after[name] })));
  }
  return out;
}

function foldEntry(entry: HistoryLogEntry, states: Map<string, PrimaryComputedState>, seen: Map<string, ComputedEvent[]>, definitions: readonly CompiledDefinition[]): void {
  if (!entry.event) return;
  const { primaryKey, event } = entry.event;
  seen.set(primaryKey, [...(seen.get(primaryKey) ?? []), event]);
  let state = states.get(primaryKey);
  if (!state) states.set(primaryKey, (state = emptyPrimaryState(entry.at)));
  applyEvent(state, definitions, event, entry.at);
}

/** Definitions changed: every state is built again from the events seen so far. */
function rebuild(states: Map<string, PrimaryComputedState>, seen: Map<string, ComputedEvent[]>, definitions: readonly CompiledDefinition[], at: number): void {
  states.clear();
  for (const [key, events] of seen) {
    const state = emptyPrimaryState(at);
    buildDefinitions(state, definitions, events);
    states.set(key, state);
  }
}

function valuesOf(members: Set<string>, states: Map<string, PrimaryComputedState>, definitions: readonly CompiledDefinition[], at: number) {
  const graph = [...members].map((k) => states.get(k)).filter((s): s is PrimaryComputedState => s !== undefined);
  advanceAll(graph, definitions, at);
  return publicValues(graphValues(definitions, graph));
}
