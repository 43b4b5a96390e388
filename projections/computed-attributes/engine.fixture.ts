import { compileDefinition, type ComputedAttributeDefinition, type ComputedAttributeSpec } from './definition';
import { graphValues, advanceAll, graphNextChangeAt, type ComputedValues } from './graph-values';
import type { ComputedEvent } from './match-event';
import { applyEvent, emptyPrimaryState, type PrimaryComputedState } from './window-state';
import type { CompiledDefinition } from './definition';

/** An event of one primary identity, as the specs write it. */
export interface GivenEvent {
  primary: string;
  type: string;
  at: string | number;
  data?: Record<string, unknown>;
}

export const T0 = Date.parse('2024-05-01T00:00:00Z');
export const SECOND = 1_000;
export const DAY = 86_400_000;

export function compileAll(specs: Record<string, ComputedAttributeSpec>, version = 1): CompiledDefinition[] {
  return Object.entries(specs).map(([name, spec]) => compileDefinition({ name, version, ...spec } as ComputedAttributeDefinition));
}

export function toComputedEvent(e: GivenEvent, seq: number): ComputedEvent {
  return { type: e.type, timestamp: typeof e.at === 'number' ? e.at : Date.parse(e.at), position: String(seq), data: e.data ?? {} };
}

/**
 * The engine driven like the projector drives it: per primary identity a state, events folded in at the moment
 * they arrive, values read for a graph (a set of primaries) at a moment.
 */
export class EngineDriver {
  readonly states = new Map<string, PrimaryComputedState>();
  private seq = 0;

  constructor(public definitions: CompiledDefinition[]) {}

  arrive(now: number, ...events: GivenEvent[]): this {
    for (const e of events) {
      const state = this.stateOf(e.primary, now);
      applyEvent(state, this.definitions, toComputedEvent(e, ++this.seq), now);
    }
    return this;
  }

  valuesAt(now: number, primaries: string[]): ComputedValues {
    const states = primaries.map((p) => this.stateOf(p, now));
    advanceAll(states, this.definitions, now);
    return graphValues(this.definitions, states);
  }

  nextChangeAt(primaries: string[]): number | undefined {
    return graphNextChangeAt(primaries.map((p) => this.stateOf(p, -Infinity)), this.definitions);
  }

  erase(primary: string): void {
    this.states.delete(primary);
  }

  private stateOf(primary: string, now: number): PrimaryComputedState {
    let state = this.states.get(primary);
    if (!state) this.states.set(primary, (state = emptyPrimaryState(now)));
    return state;
  }
}
