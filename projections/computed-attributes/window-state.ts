import { AGGREGATES } from './aggregates';
import type { CompiledDefinition } from './definition';
import { comparePositions, insertSorted, type Entry } from './entry';
import { entryOf, type ComputedEvent } from './match-event';

/**
 * The engine's state for one primary identity: per definition, the aggregate of the entries that count now, the
 * counted entries themselves when the definition has a window (they leave it oldest first), and the entries dated
 * in the future. An entry counts while now − window < t ≤ now: a future-dated event enters when now reaches its
 * timestamp, and an event already older than its window when it arrives never counts. The state is a function of
 * (the primary's events, now) alone, whatever the order they arrived in: so a rebuild, a backfill and the live fold
 * agree, and a graph's value is the merge of its primaries' states (merges, splits and unmerges cost nothing more).
 */
export interface PrimaryComputedState {
  /** The time the state is advanced to (never moves back, even if the clock does). */
  now: number;
  /** Position of the newest event folded: a re-applied batch must not count an event twice. */
  last?: string;
  defs: Record<string, DefinitionState>;
}

export interface DefinitionState {
  /** The definition version this state was built for. */
  ver: number;
  acc: unknown;
  /** Windowed definitions: the counted entries, oldest first. */
  live?: Entry[];
  /** Entries dated after `now`, oldest first. */
  pending?: Entry[];
}

export function emptyPrimaryState(now: number): PrimaryComputedState {
  return { now, defs: {} };
}

export function emptyDefinitionState(definition: CompiledDefinition): DefinitionState {
  return { ver: definition.version, acc: AGGREGATES[definition.fn].empty() };
}

/** The definitions whose state this primary lacks or holds for another version (to build from its timeline). */
export function unbuiltDefinitions(state: PrimaryComputedState | undefined, definitions: readonly CompiledDefinition[]): CompiledDefinition[] {
  return definitions.filter((d) => state?.defs[d.name]?.ver !== d.version);
}

/** Moves the state to `now`: due future entries enter, lapsed ones leave. True when anything changed. */
export function advance(state: PrimaryComputedState, definitions: readonly CompiledDefinition[], now: number): boolean {
  if (now <= state.now) return false;
  state.now = now;
  let changed = false;
  for (const definition of definitions) {
    const defState = state.defs[definition.name];
    if (defState && advanceDefinition(defState, definition, now)) changed = true;
  }
  return changed;
}

function advanceDefinition(defState: DefinitionState, definition: CompiledDefinition, now: number): boolean {
  let changed = false;
  const pending = defState.pending;
  while (pending && pending.length > 0 && pending[0].t <= now) {
    enter(defState, definition, pending.shift()!, now);
    changed = true;
  }
  if (pending?.length === 0) delete defState.pending;
  const live = defState.live;
  const aggregate = AGGREGATES[definition.fn];
  while (live && live.length > 0 && live[0].t <= now - definition.windowMs) {
    const leaving = live.shift()!;
    aggregate.removeOldest(defState.acc, leaving, live);
    changed = true;
  }
  return changed;
}

/** An entry dated at or before now joins the count unless it is already out of its window. */
function enter(defState: DefinitionState, definition: CompiledDefinition, entry: Entry, now: number): void {
  if (entry.t <= now - definition.windowMs) return;
  AGGREGATES[definition.fn].add(defState.acc, entry);
  if (Number.isFinite(definition.windowMs)) insertSorted((defState.live ??= []), entry);
}

/**
 * Folds one of this primary's events in at `now` (after advancing to it). Definitions the state lacks start empty
 * here: callers build them from the timeline first (unbuiltDefinitions) unless the primary had no earlier event.
 * True when any definition's state changed.
 */
export function applyEvent(
  state: PrimaryComputedState,
  definitions: readonly CompiledDefinition[],
  event: ComputedEvent,
  now: number,
): boolean {
  let changed = advance(state, definitions, now);
  if (state.last !== undefined && comparePositions(event.position, state.last) <= 0) return changed;
  state.last = event.position;
  for (const definition of definitions) {
    const entry = entryOf(definition, event);
    if (!entry) continue;
    const defState = definitionStateOf(state, definition);
    if (entry.t > state.now) insertSorted((defState.pending ??= []), entry);
    else if (entry.t > state.now - definition.windowMs) enter(defState, definition, entry, state.now);
    else continue;
    changed = true;
  }
  return changed;
}

/** The state of one definition, started empty when missing or built for another version. */
function definitionStateOf(state: PrimaryComputedState, definition: CompiledDefinition): DefinitionState {
  const current = state.defs[definition.name];
  if (current?.ver === definition.version) return current;
  return (state.defs[definition.name] = emptyDefinitionState(definition));
}

/** Builds the named definitions' state afresh from every event of the primary (backfill, asOf), keeping the rest. */
export function buildDefinitions(
  state: PrimaryComputedState,
  definitions: readonly CompiledDefinition[],
  events: readonly ComputedEvent[],
): void {
  for (const definition of definitions) {
    const defState = emptyDefinitionState(definition);
    state.defs[definition.name] = defState;
    for (const event of events) {
      const entry = entryOf(definition, event);
      if (!entry) continue;
      if (entry.t > state.now) insertSorted((defState.pending ??= []), entry);
      else enter(defState, definition, entry, state.now);
    }
  }
  const newest = events.reduce<string | undefined>((max, e) => (max === undefined || comparePositions(e.position, max) > 0 ? e.position : max), state.last);
  if (newest !== undefined) state.last = newest;
}

/** Drops the state of definitions no longer defined (deleted ones). True when any was dropped. */
export function forgetUndefined(state: PrimaryComputedState, definitions: readonly CompiledDefinition[]): boolean {
  const names = new Set(definitions.map((d) => d.name));
  const stale = Object.keys(state.defs).filter((name) => !names.has(name));
  for (const name of stale) delete state.defs[name];
  return stale.length > 0;
}

/** When this primary's state next changes by time alone: the earliest future entry, or the oldest counted + window. */
export function nextChangeAt(state: PrimaryComputedState, definitions: readonly CompiledDefinition[]): number | undefined {
  let next = Number.POSITIVE_INFINITY;
  for (const definition of definitions) {
    const defState = state.defs[definition.name];
    if (!defState) continue;
    if (defState.pending?.length) next = Math.min(next, defState.pending[0].t);
    if (defState.live?.length) next = Math.min(next, defState.live[0].t + definition.windowMs);
  }
  return Number.isFinite(next) ? next : undefined;
}
