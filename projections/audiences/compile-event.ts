import { createHash } from 'node:crypto';
import type { DataCondition, EventCondition, Window } from '../conditions';

/**
 * An event condition compiles to an anonymous computed attribute (`count` over its type, where and window), so that
 * windows are counted by the one engine of computed attributes (DESIGN.md "One window engine"). The name is a hash
 * of the canonical JSON of what is counted: a rebuild, a second audience with the same event condition, or the same
 * condition written with its keys in another order all name (and share) the same attribute. The count comparison
 * is not part of it: `count >= 3` and `count eq 0` over the same events read one attribute.
 */
export interface AnonymousCountDefinition {
  /** `_ev_` + 16 hex digits: a leading underscore is never a valid name of a user's computed attribute. */
  name: string;
  function: 'count';
  eventType: string[];
  where?: DataCondition;
  window?: Window;
}

export const ANONYMOUS_PREFIX = '_ev_';

export function compileEventCondition(condition: EventCondition): AnonymousCountDefinition {
  const counted = countedPart(condition);
  return { name: nameOf(counted), function: 'count', ...counted };
}

/**
 * Conditions are never changed once parsed (definitions are log events), so each leaf's name is computed once: the
 * projector evaluates the same leaves for every profile it touches, and hashing them each time was a visible share
 * of its cost.
 */
const names = new WeakMap<EventCondition, string>();

export function anonymousName(condition: EventCondition): string {
  let name = names.get(condition);
  if (name === undefined) names.set(condition, (name = nameOf(countedPart(condition))));
  return name;
}

export function isAnonymousName(name: string): boolean {
  return name.startsWith(ANONYMOUS_PREFIX);
}

/** The default count: at least one matching event. */
export function countOf(condition: EventCondition): NonNullable<EventCondition['count']> {
  return condition.count ?? { op: 'gte', value: 1 };
}

function countedPart(condition: EventCondition): Omit<AnonymousCountDefinition, 'name' | 'function'> {
  const type = condition.event.type;
  const eventType = [...new Set(Array.isArray(type) ? type : [type])].sort();
  return {
    eventType,
    ...(condition.event.where !== undefined ? { where: condition.event.where } : {}),
    ...(condition.window !== undefined ? { window: { last: condition.window.last } } : {}),
  };
}

function nameOf(counted: object): string {
  const digest = createHash('sha256').update(canonicalJson(counted)).digest('hex');
  return `${ANONYMOUS_PREFIX}${digest.slice(0, 16)}`;
}

/** JSON with object keys sorted at every level; arrays keep their order (it can matter inside `where`). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
