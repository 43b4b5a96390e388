import {
  advance,
  applyEvent,
  buildDefinitions,
  compileDefinition,
  emptyPrimaryState,
  graphValues,
  unbuiltDefinitions,
  type CompiledDefinition,
  type ComputedEvent,
  type PrimaryComputedState,
} from '../computed-attributes';
import { audienceCountDefinitions } from './anonymous-definitions';
import type { AudienceDefinitions } from './definitions';

interface Part {
  state: PrimaryComputedState;
  events: ComputedEvent[];
}

/**
 * The one window engine (projections/computed-attributes) driven the way the projector drives it for audiences:
 * engine states per part of a profile (a merge joins parts, a split rebuilds them), the anonymous counts of the
 * audiences in force, states lacking a new definition built from their events once, values the merge of the parts.
 */
export class WindowEngineModel {
  private readonly parts = new Map<string, Part[]>();

  constructor(private readonly clock: () => number) {}

  values(profileId: string, audiences: AudienceDefinitions): Record<string, unknown> {
    const defs = definitionsOf(audiences);
    const parts = this.partsOf(profileId);
    for (const part of parts) this.ready(part, defs);
    return graphValues(defs, parts.map((p) => p.state));
  }

  event(profileId: string, event: ComputedEvent, audiences: AudienceDefinitions): void {
    const defs = definitionsOf(audiences);
    const part = this.partsOf(profileId)[0]!;
    this.ready(part, defs);
    applyEvent(part.state, defs, event, this.clock());
    part.events.push(event);
  }

  merge(into: string, from: string): void {
    this.parts.set(into, [...this.partsOf(into), ...this.partsOf(from)]);
    this.parts.delete(from);
  }

  /** The profile's events are divided anew: each side's state is rebuilt from its own events. */
  split(sides: Array<{ profileId: string; events: ComputedEvent[] }>, audiences: AudienceDefinitions): void {
    const defs = definitionsOf(audiences);
    for (const { profileId, events } of sides) {
      const state = emptyPrimaryState(this.clock());
      buildDefinitions(state, defs, events);
      this.parts.set(profileId, [{ state, events: [...events] }]);
    }
  }

  drop(profileId: string): void {
    this.parts.delete(profileId);
  }

  private partsOf(profileId: string): Part[] {
    let parts = this.parts.get(profileId);
    if (!parts) this.parts.set(profileId, (parts = [{ state: emptyPrimaryState(this.clock()), events: [] }]));
    return parts;
  }

  private ready(part: Part, defs: CompiledDefinition[]): void {
    advance(part.state, defs, this.clock());
    const unbuilt = unbuiltDefinitions(part.state, defs);
    if (unbuilt.length > 0) buildDefinitions(part.state, unbuilt, part.events);
  }
}

function definitionsOf(audiences: AudienceDefinitions): CompiledDefinition[] {
  return audienceCountDefinitions(audiences).map(compileDefinition);
}
