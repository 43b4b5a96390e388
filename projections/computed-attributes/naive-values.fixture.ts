import { evaluateDataCondition, readPath } from '../conditions';
import type { CompiledDefinition } from './definition';
import type { ComputedEvent } from './match-event';

/**
 * The reference the property test holds the engine to: every value recomputed from scratch from all of a graph's
 * events at `now`, written as plainly as possible (no state, no incremental step).
 */
export function naiveValue(definition: CompiledDefinition, events: readonly ComputedEvent[], now: number): unknown {
  const counted = events
    .filter((e) => (!definition.types || definition.types.has(e.type)) && (!definition.where || evaluateDataCondition(definition.where, e.data)))
    .filter((e) => e.timestamp <= now && e.timestamp > now - definition.windowMs)
    .map((e) => ({ e, v: definition.field === undefined ? true : readPath(e.data, definition.field) }))
    .filter(({ v }) => qualifies(definition.fn, v))
    .sort((x, y) => x.e.timestamp - y.e.timestamp || Number(x.e.position) - Number(y.e.position));
  const values = counted.map((c) => c.v);
  switch (definition.fn) {
    case 'count': return values.length;
    case 'sum': return (values as number[]).reduce((a, b) => a + b, 0);
    case 'avg': return values.length === 0 ? null : (values as number[]).reduce((a, b) => a + b, 0) / values.length;
    case 'min': return values.length === 0 ? null : [...values].sort(scalarOrder)[0];
    case 'max': return values.length === 0 ? null : [...values].sort(scalarOrder)[values.length - 1];
    case 'first': return values.length === 0 ? null : values[0];
    case 'last': return values.length === 0 ? null : values[values.length - 1];
    case 'distinctCount': return new Set(values.map(key)).size;
    case 'mostFrequent': return mostFrequent(values);
    case 'list': return recentDistinct(values);
  }
}

function qualifies(fn: CompiledDefinition['fn'], v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (fn === 'sum' || fn === 'avg') return typeof v === 'number';
  if (fn === 'min' || fn === 'max') return typeof v === 'number' || typeof v === 'string';
  if (fn === 'distinctCount' || fn === 'mostFrequent' || fn === 'list') return ['number', 'string', 'boolean'].includes(typeof v);
  return true;
}

function scalarOrder(a: unknown, b: unknown): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a === b ? 0 : (a as number) < (b as number) ? -1 : 1;
}

const key = (v: unknown) => `${typeof v}:${String(v)}`;

/** Values oldest first in; the most frequent, a tie to the one whose latest occurrence is the most recent. */
function mostFrequent(values: unknown[]): unknown {
  const counts = new Map<string, { v: unknown; n: number; lastIndex: number }>();
  values.forEach((v, i) => {
    const c = counts.get(key(v)) ?? { v, n: 0, lastIndex: i };
    counts.set(key(v), { v, n: c.n + 1, lastIndex: i });
  });
  const best = [...counts.values()].sort((a, b) => b.n - a.n || b.lastIndex - a.lastIndex)[0];
  return best ? best.v : null;
}

function recentDistinct(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of [...values].reverse()) {
    if (seen.has(key(v))) continue;
    seen.add(key(v));
    out.push(v);
  }
  return out.slice(0, 100);
}
