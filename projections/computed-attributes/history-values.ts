import type { CompiledDefinition } from './definition';
import { advanceAll, graphNextChangeAt, graphValues, publicValues, type ComputedValues } from './graph-values';
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
 * or split). Values that change by time alone between steps (a lapse) belong to no step: computedTimeline has them.
 */
export function computedHistory(
  entries: readonly HistoryLogEntry[],
  steps: readonly HistoryStepRef[],
  definitionsAt: (at: number) => readonly CompiledDefinition[],
): Map<number, ComputedChange[]> {
  return computedTimeline(entries, steps, definitionsAt).steps;
}

/** Values changed by time alone after a step: an entry left its window (or a future-dated one reached it). */
export interface LapsePoint {
  /** Index (in the entries) of the step it follows: the profile is as that step left it. */
  afterIndex: number;
  /** The exact moment: an entry's timestamp plus the window, or a future-dated entry's timestamp (epoch ms). */
  at: number;
  /** Every value (anonymous ones included) just before `at` and at `at`, under the definitions in force at `at`. */
  before: ComputedValues;
  after: ComputedValues;
}

export interface TimelineOptions {
  /** Lapses are found up to this moment (inclusive) after the last step: the reading's now or asOf. */
  until?: number;
  /** Log times at which definitionsAt changes (after such a moment the states are rebuilt, as the projector's backfill would). */
  definitionTimes?: readonly number[];
}

/**
 * The steps' changes (public values, as computedHistory) and, between a step and the next (or `until`), every
 * moment at which time alone changed the subject's values, found with the engine's own next-change time of the
 * graph's states: deterministic, from the log and the definitions only, so the same on every reading and rebuild.
 */
export function computedTimeline(
  entries: readonly HistoryLogEntry[],
  steps: readonly HistoryStepRef[],
  definitionsAt: (at: number) => readonly CompiledDefinition[],
  options: TimelineOptions = {},
): { steps: Map<number, ComputedChange[]>; lapses: LapsePoint[] } {
  const out = new Map<number, ComputedChange[]>();
  const lapses: LapsePoint[] = [];
  const states = new Map<string, PrimaryComputedState>();
  const seen = new Map<string, ComputedEvent[]>();
  const members = new Set<string>();
  let folded = 0;
  let inForce: readonly CompiledDefinition[] = [];
  const walk = options.until !== undefined || options.definitionTimes !== undefined;
  steps.forEach((step, n) => {
    const { at } = entries[step.index];
    const definitions = definitionsAt(at);
    if (definitions !== inForce) rebuild(states, seen, (inForce = definitions), at);
    for (; folded < step.index; folded++) foldEntry(entries[folded], states, seen, inForce);
    const before = publicValues(valuesOf(members, states, inForce, at));
    foldEntry(entries[folded++], states, seen, inForce);
    step.joined.forEach((k) => members.add(k));
    step.left.forEach((k) => members.delete(k));
    const after = publicValues(valuesOf(members, states, inForce, at));
    const changed = Object.keys(after).filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
    if (changed.length > 0) out.set(step.index, changed.map((name) => ({ name, before: before[name], after: after[name] })));
    if (!walk) return;
    const next = steps[n + 1];
    const until = next === undefined ? options.until : entries[next.index].at;
    if (until === undefined) return;
    // Between this step and the next, definitions may change: each stretch is walked under its own.
    const bounds = [...(options.definitionTimes ?? []).filter((t) => t >= at && t < until), until];
    let from = at;
    for (const bound of bounds) {
      const definitionsThen = definitionsAt(from + 1);
      if (definitionsThen !== inForce) rebuild(states, seen, (inForce = definitionsThen), from + 1);
      walkLapses(step.index, members, states, inForce, from, bound, lapses);
      from = bound;
    }
  });
  return { steps: out, lapses };
}

/** Every moment in (from, until] at which the graph's values change by time alone, in order. */
function walkLapses(
  afterIndex: number,
  members: ReadonlySet<string>,
  states: Map<string, PrimaryComputedState>,
  definitions: readonly CompiledDefinition[],
  from: number,
  until: number,
  into: LapsePoint[],
): void {
  const graph = [...members].map((k) => states.get(k)).filter((s): s is PrimaryComputedState => s !== undefined);
  if (graph.length === 0 || definitions.length === 0) return;
  advanceAll(graph, definitions, from);
  let before = graphValues(definitions, graph);
  let now = from;
  for (;;) {
    const at = graphNextChangeAt(graph, definitions);
    if (at === undefined || at > until || at <= now) return;
    advanceAll(graph, definitions, at);
    const after = graphValues(definitions, graph);
    if (Object.keys(after).some((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]))) into.push({ afterIndex, at, before, after });
    before = after;
    now = at;
  }
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

function valuesOf(members: Set<string>, states: Map<string, PrimaryComputedState>, definitions: readonly CompiledDefinition[], at: number): ComputedValues {
  const graph = [...members].map((k) => states.get(k)).filter((s): s is PrimaryComputedState => s !== undefined);
  advanceAll(graph, definitions, at);
  return graphValues(definitions, graph);
}
