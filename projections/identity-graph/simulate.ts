import {
  DEFAULT_GRAPH_CAP,
  parseIdentityKey,
  type IdentityRef,
  type IdentitySettings,
  type LinkState,
  type NamespaceSetting,
} from '../model';
import { applyItem } from './apply-item';
import { components, removedLinks } from './components';
import type { GraphItem } from './graph-item';
import { createGraphState, type GraphState } from './graph-state';
import { normaliseIdentities } from './identity-rules';
import { parseEventLine } from './simulate-input';
import { settingsView } from './settings-view';

/**
 * The simulator (POST /v1/identity/simulate, `tessera simulate`): the very fold the projector runs, on a throw-away
 * state. Event i (0-based position in `events`) is item `String(i)`; a text line, or an object without timestamp,
 * has time i + 1 ms after the epoch ("event n has time n", n counted from 1). `rejected[].index` and
 * `removedLinks[].removedBy` are that 0-based position. A link's `timestamp` is its last-seen time (the time the
 * rebuild order uses); a removed link's is the time of the event that removed it. Graphs are sorted by graph id
 * (smallest identity key), their identities by namespace priority then value.
 */
export interface SimulateInput {
  namespaces: NamespaceSetting[];
  graphCap?: number;
  events: SimulateEvent[];
}

export type SimulateEvent = string | { identities: IdentityRef[]; timestamp?: string };

export interface SimulateResult {
  graphs: { identities: IdentityRef[]; links: { from: IdentityRef; to: IdentityRef; timestamp: string }[] }[];
  removedLinks: { from: IdentityRef; to: IdentityRef; timestamp: string; removedBy: number; reason: string }[];
  rejected: { index: number; reason: string }[];
}

export function simulate(input: SimulateInput): SimulateResult {
  const { rejected, ...result } = simulateWithCodes(input);
  return { ...result, rejected: rejected.map(({ index, reason }) => ({ index, reason })) };
}

/** Why the simulator turned an event down; `code` is the one ingestion answers the same item with. */
export interface SimulateRejection {
  index: number;
  code: string;
  reason: string;
}

/** simulate(), with the code of every rejection (the API answers only the reason). */
export function simulateWithCodes(input: SimulateInput): Omit<SimulateResult, 'rejected'> & { rejected: SimulateRejection[] } {
  const settings: IdentitySettings = { namespaces: input.namespaces, graphCap: input.graphCap ?? DEFAULT_GRAPH_CAP };
  const state = createGraphState();
  const rejected: SimulateRejection[] = [];
  input.events.forEach((event, index) => {
    const item = toItem(settings, event, index);
    if ('code' in item) {
      rejected.push({ index, ...item });
      return;
    }
    const outcome = applyItem(state, settings, item);
    if (outcome.rejection) rejected.push({ index, code: outcome.rejection.code, reason: outcome.rejection.reason });
  });
  return { ...describe(state, settings), rejected };
}

/** The item for one event, or why it cannot be one. */
function toItem(settings: IdentitySettings, event: SimulateEvent, index: number): GraphItem | Omit<SimulateRejection, 'index'> {
  const parsed = typeof event === 'string' ? parseEventLine(event) : parseEventObject(event);
  if (typeof parsed === 'string') return { code: 'INVALID_EVENT', reason: parsed };
  const timestamp = parsed.timestamp === undefined ? index + 1 : parseZonedTime(parsed.timestamp);
  if (Number.isNaN(timestamp)) {
    return { code: 'TIMESTAMP_INVALID', reason: `timestamp ${String(parsed.timestamp)} is not an ISO-8601 time with a zone` };
  }
  const { problems, identities } = normaliseIdentities(settings.namespaces, parsed.identities);
  if (problems.length > 0) return { code: problems[0].code, reason: problems.map((p) => lowerFirst(p.message)).join('; ') };
  return { itemId: String(index), source: 'simulator', timestamp, identities };
}

/** Reasons are clauses joined by '; ', so a rule's sentence starts lower-case here. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Input times carry a zone (API.md): a zone-less time would be read in the server's local zone. */
function parseZonedTime(text: string): number {
  return /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? Date.parse(text) : NaN;
}

function parseEventObject(event: unknown): { identities: IdentityRef[]; timestamp?: string } | string {
  const candidate = event as { identities?: unknown; timestamp?: unknown } | null;
  const identities = candidate?.identities;
  const wellFormed =
    Array.isArray(identities) &&
    identities.every((i) => typeof i?.namespace === 'string' && typeof i?.id === 'string') &&
    (candidate?.timestamp === undefined || typeof candidate.timestamp === 'string');
  if (!wellFormed) return 'an event is a text line or {"identities": [{"namespace","id"}], "timestamp"?}';
  return { identities: identities as IdentityRef[], timestamp: candidate?.timestamp as string | undefined };
}

function describe(state: GraphState, settings: IdentitySettings): Omit<SimulateResult, 'rejected'> {
  const view = settingsView(settings);
  const byPriority = (x: IdentityRef, y: IdentityRef) =>
    view.rank(x.namespace) - view.rank(y.namespace) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  const graphs = components(state, 2).map((graph) => ({
    identities: graph.identities.map(parseIdentityKey).sort(byPriority),
    links: graph.links.map((link) => ({ ...ends(link), timestamp: iso(link.lastSeen) })),
  }));
  const removed = removedLinks(state).map((link) => ({
    ...ends(link),
    timestamp: iso(link.removedAt!),
    removedBy: Number(link.removedBy),
    reason: link.reason!,
  }));
  return { graphs, removedLinks: removed };
}

function ends(link: LinkState): { from: IdentityRef; to: IdentityRef } {
  return { from: parseIdentityKey(link.a), to: parseIdentityKey(link.b) };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
