import type { ComparisonOp } from './condition';

/**
 * The comparison operators of API.md "Conditions", on one actual value (undefined: absent). Ordering operators
 * compare numbers numerically and strings lexicographically (so ISO dates compare as dates) and are false across
 * types. `neq` and `nin` are the negations of `eq` and `in`, so an absent value is "not equal". `contains` is a
 * substring test on strings and an element test on arrays.
 */
export function compare(op: ComparisonOp, actual: unknown, value?: unknown): boolean {
  switch (op) {
    case 'eq': return sameValue(actual, value);
    case 'neq': return !sameValue(actual, value);
    case 'in': return Array.isArray(value) && value.some((v) => sameValue(actual, v));
    case 'nin': return !(Array.isArray(value) && value.some((v) => sameValue(actual, v)));
    case 'gt': return ordered(actual, value, (sign) => sign > 0);
    case 'gte': return ordered(actual, value, (sign) => sign >= 0);
    case 'lt': return ordered(actual, value, (sign) => sign < 0);
    case 'lte': return ordered(actual, value, (sign) => sign <= 0);
    case 'exists': return actual !== undefined && actual !== null;
    case 'notExists': return actual === undefined || actual === null;
    case 'contains': return contains(actual, value);
    case 'startsWith': return typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value);
  }
}

/** Tests the sign of actual − value; false when the two are not both numbers or both strings. */
function ordered(actual: unknown, value: unknown, test: (sign: number) => boolean): boolean {
  const comparable =
    (typeof actual === 'number' && typeof value === 'number') || (typeof actual === 'string' && typeof value === 'string');
  if (!comparable) return false;
  return test(actual === value ? 0 : (actual as number | string) < (value as number | string) ? -1 : 1);
}

function contains(actual: unknown, value: unknown): boolean {
  if (typeof actual === 'string') return typeof value === 'string' && actual.includes(value);
  if (Array.isArray(actual)) return actual.some((element) => sameValue(element, value));
  return false;
}

/** Scalars by value (1 and 1.0 are one number); arrays and objects structurally. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) &&
    sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
