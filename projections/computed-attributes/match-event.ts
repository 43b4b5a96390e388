import { evaluateDataCondition, readPath } from '../conditions';
import type { CompiledDefinition, ComputedFunction } from './definition';
import type { Entry } from './entry';

/** An experience event as the engine reads it. */
export interface ComputedEvent {
  type: string;
  /** The event's own time, epoch ms. */
  timestamp: number;
  position: string;
  data: Record<string, unknown>;
}

/** sum and avg ignore numbers so large that adding many could overflow a double (the sums must stay exact). */
const MAX_SUMMED = 1e290;

/** Which field values each function counts; an event whose value does not qualify does not count at all. */
const QUALIFIES: { [F in ComputedFunction]: (v: unknown) => boolean } = {
  count: (v) => v !== undefined && v !== null,
  sum: isSummable,
  avg: isSummable,
  min: isOrderable,
  max: isOrderable,
  first: (v) => v !== undefined && v !== null,
  last: (v) => v !== undefined && v !== null,
  distinctCount: isScalar,
  mostFrequent: isScalar,
  list: isScalar,
};

function isSummable(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_SUMMED;
}
function isOrderable(v: unknown): boolean {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
}
function isScalar(v: unknown): boolean {
  return isOrderable(v) || typeof v === 'boolean';
}

/** The entry an event contributes to a definition, or undefined when it does not count. */
export function entryOf(definition: CompiledDefinition, event: ComputedEvent): Entry | undefined {
  if (definition.types && !definition.types.has(event.type)) return undefined;
  if (definition.where && !evaluateDataCondition(definition.where, event.data)) return undefined;
  if (definition.field === undefined) return { t: event.timestamp, o: event.position };
  const value = readPath(event.data, definition.field);
  if (!QUALIFIES[definition.fn](value)) return undefined;
  return definition.fn === 'count' ? { t: event.timestamp, o: event.position } : { t: event.timestamp, o: event.position, v: value };
}
