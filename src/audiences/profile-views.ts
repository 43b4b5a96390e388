import { Inject, Injectable } from '@nestjs/common';
import { anonymousDefinitionsOf, type ExplainView } from '../../projections/audiences';
import type { Condition } from '../../projections/conditions';
import {
  buildDefinitions,
  compileDefinition,
  emptyPrimaryState,
  entryOf,
  graphValues,
  type CompiledDefinition,
  type ComputedEvent,
} from '../../projections/computed-attributes';
import type { IdentityRef } from '../../projections/model';
import { READ_STORE, type ReadStore, type TimelineEvent } from '../read-store/read-store.port';

/** What a read-time evaluation needs of one stored profile. */
export interface StoredProfile {
  graphId: string;
  doc: Record<string, unknown>;
}

const PAGE = 1000;

/**
 * Profiles as conditions see them, read from the read models at one "now": merged attributes and provenance from the
 * profile document, namespaces from its identities, named computed values from the document, and the anonymous counts
 * of the event conditions from the window engine of computed attributes run over the graph's timeline (one engine:
 * nothing here counts windows). Used where nothing is stored: preview and explain.
 */
@Injectable()
export class ProfileViews {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  async viewOf(profile: StoredProfile, conditions: readonly Condition[], now: number): Promise<ExplainView> {
    const anonymous = anonymousDefinitions(conditions);
    const events = anonymous.length > 0 ? await this.timeline(profile.graphId, anonymous) : [];
    return viewOver(profile.doc, (profile.doc.computed as Record<string, unknown> | undefined) ?? {}, events, anonymous, now);
  }

  /** The same view of a profile as it was at a moment (explain asOf): its document, computed values and events then. */
  viewAsOf(doc: Record<string, unknown>, computed: Record<string, unknown>, events: readonly TimelineEvent[], conditions: readonly Condition[], asOf: number): ExplainView {
    return viewOver(doc, computed, events, anonymousDefinitions(conditions), asOf);
  }

  /** Every event of the graph's identities of the types the definitions read, oldest first. */
  private async timeline(graphId: string, definitions: readonly CompiledDefinition[]): Promise<TimelineEvent[]> {
    const graph = await this.store.getGraph(graphId);
    const primaryKeys = graph.nodes.filter((n) => n.graphId === graphId).map((n) => n.key);
    if (primaryKeys.length === 0) return [];
    const types = [...new Set(definitions.flatMap((d) => [...(d.types ?? [])]))];
    const events: TimelineEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.queryEvents({ primaryKeys, types, order: 'asc', limit: PAGE, cursor });
      events.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return events;
  }
}

/** A profile as conditions see it at `now`: the anonymous counts from the window engine over `events` (oldest first). */
function viewOver(
  doc: Record<string, unknown>,
  computed: Record<string, unknown>,
  events: readonly TimelineEvent[],
  anonymous: readonly CompiledDefinition[],
  now: number,
): ExplainView {
  const identities = (doc.identities as IdentityRef[] | undefined) ?? [];
  const state = emptyPrimaryState(now);
  buildDefinitions(state, anonymous, events.map(computedEventOf));
  const counts = graphValues(anonymous, [state]);
  return {
    attributes: (doc.attributes as Record<string, unknown> | undefined) ?? {},
    provenance: (doc.provenance as ExplainView['provenance'] | undefined) ?? {},
    computed: { ...computed, ...counts },
    namespaces: new Set(identities.map((i) => i.namespace)),
    identities: identities.map(({ namespace, id }) => ({ namespace, id })),
    memberships: new Map(),
    matchingEvents: (name) => matchingIds(anonymous, name, events, now),
  };
}

/** The anonymous counts of every event condition in these conditions, compiled for the engine. */
export function anonymousDefinitions(conditions: readonly Condition[]): CompiledDefinition[] {
  return anonymousDefinitionsOf(conditions).map(compileDefinition);
}

function computedEventOf(event: TimelineEvent): ComputedEvent {
  const data = (event.doc.data as Record<string, unknown> | undefined) ?? {};
  return { type: event.type, timestamp: event.timestamp, position: event.position, data };
}

/** The ids of the events an anonymous count counts at `now`, newest first: what explain shows as evidence. */
function matchingIds(definitions: readonly CompiledDefinition[], name: string, events: readonly TimelineEvent[], now: number): string[] {
  const definition = definitions.find((d) => d.name === name);
  if (!definition) return [];
  const counted = events.filter((e) => {
    const entry = entryOf(definition, computedEventOf(e));
    return entry !== undefined && entry.t <= now && entry.t > now - definition.windowMs;
  });
  return counted.reverse().map((e) => String(e.doc.id ?? e.eventId));
}
