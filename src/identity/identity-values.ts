import type { NamespaceType } from '../../projections/model';

/**
 * How identity values are normalised (API.md "Rules for every item"): trimmed, email-type values lower-cased,
 * nothing else rewritten. Ingestion, path lookups and queries all call these, so a lookup finds what was stored.
 */
export function normaliseIdentityValue(type: NamespaceType, value: string): string {
  const trimmed = value.trim();
  return type === 'email' ? trimmed.toLowerCase() : trimmed;
}

const BLOCKED = new Set(['', 'null', 'undefined', 'anonymous', 'invalid', 'unknown', '0', '-1']);

/** Placeholder values sources send when they know nothing; linking on them would merge strangers. */
export function isBlockedValue(value: string): boolean {
  return BLOCKED.has(value.trim().toLowerCase());
}
