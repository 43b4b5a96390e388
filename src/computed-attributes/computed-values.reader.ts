import { Inject, Injectable } from '@nestjs/common';
import {
  buildDefinitions,
  compiledDefinitions,
  emptyPrimaryState,
  graphValues,
  publicValues,
  zeroValue,
  type ComputedAttributeDefinition,
  type ComputedValues,
} from '../../projections/computed-attributes';
import type { DecodedEvent } from '../events';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { timelineEventOf } from '../read-models';
import { READ_STORE, type ComputedValuesRow, type ReadStore } from '../read-store/read-store.port';
import { ComputedAttributesService } from './computed-attributes.service';
import { definitionsBefore } from './runtime';

/**
 * The `computed` object of a profile body (API.md "Computed attributes"): every definition in force, with the value
 * the projector stored for the graph, or the function's zero value where it stored none yet.
 */
@Injectable()
export class ComputedValuesReader {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly log: EventStore,
    private readonly definitions: ComputedAttributesService,
  ) {}

  async current(graphId: string): Promise<ComputedValues> {
    const definitions = await this.definitions.inForce();
    if (definitions.length === 0) return {};
    const rows = await this.store.getComputedValues([graphId]);
    return valuesOf(definitions, rows[0]);
  }

  /** The definitions in force now, for a read that fetches the stored row itself (ReadStore.getProfileView). */
  inForce(): Promise<ComputedAttributeDefinition[]> {
    return this.definitions.inForce();
  }

  /** `current` from a stored row read elsewhere (or none): every definition in force, zero where none was stored. */
  valuesOf(definitions: readonly ComputedAttributeDefinition[], row: ComputedValuesRow | undefined): ComputedValues {
    return valuesOf(definitions, row);
  }

  /**
   * The values as they were at log time `asOf`: the definitions in force then, over the events of the graph then
   * (the snapshot's own items), evaluated with now = asOf. The same engine and the same state a live fold reaches.
   */
  async asOf(members: readonly string[], items: readonly DecodedEvent[], asOf: number): Promise<ComputedValues> {
    const definitions = compiledDefinitions(await definitionsBefore(this.log, asOf));
    if (definitions.length === 0) return {};
    const inGraph = new Set(members);
    const byPrimary = new Map<string, { type: string; timestamp: number; position: string; data: Record<string, unknown> }[]>();
    for (const item of items) {
      const event = timelineEventOf(item);
      if (!event || !inGraph.has(event.primaryKey)) continue;
      const list = byPrimary.get(event.primaryKey) ?? [];
      list.push({ type: event.type, timestamp: event.timestamp, position: event.position, data: (event.doc.data ?? {}) as Record<string, unknown> });
      byPrimary.set(event.primaryKey, list);
    }
    const states = [...byPrimary.values()].map((events) => {
      const state = emptyPrimaryState(asOf);
      buildDefinitions(state, definitions, events);
      return state;
    });
    return publicValues(graphValues(definitions, states));
  }
}

function valuesOf(definitions: readonly ComputedAttributeDefinition[], row: ComputedValuesRow | undefined): ComputedValues {
  const stored = row?.values ?? {};
  const out: ComputedValues = {};
  for (const d of definitions) out[d.name] = Object.prototype.hasOwnProperty.call(stored, d.name) ? stored[d.name] : zeroValue(d.function);
  return out;
}
