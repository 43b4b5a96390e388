import type { IdentityRef, NamespaceSetting, NamespaceType } from '../model';

/**
 * The one set of identity normalisation rules (API.md "Rules for every item"). Ingestion, lookups by path and the
 * simulator all call these, so a lookup finds exactly what ingestion stored.
 */
const BLOCKED_VALUES: ReadonlySet<string> = new Set([
  '',
  'null',
  'undefined',
  'anonymous',
  'invalid',
  'unknown',
  '0',
  '-1',
]);

export const MAX_IDENTITY_VALUE_LENGTH = 1024;
export const MAX_IDENTITIES_PER_ITEM = 20;

/** Trims; lower-cases values of email-type namespaces. Nothing else is rewritten. */
export function normaliseIdentityValue(type: NamespaceType, value: string): string {
  const trimmed = value.trim();
  return type === 'email' ? trimmed.toLowerCase() : trimmed;
}

/** Placeholder values sources send when they know nothing; case-insensitive, judged after trimming. */
export function isBlockedValue(value: string): boolean {
  return BLOCKED_VALUES.has(value.trim().toLowerCase());
}

export type IdentityProblemCode = 'UNKNOWN_NAMESPACE' | 'VALUE_TOO_LONG' | 'TOO_MANY_IDENTITIES';

export interface IdentityProblem {
  code: IdentityProblemCode;
  message: string;
  /** Position in the input list, when the problem belongs to one identity. */
  index?: number;
}

export interface NormalisedIdentities {
  /** Normalised, blocked values dropped, repeats of the same identity dropped (first kept). */
  identities: IdentityRef[];
  /** Input positions of the identities dropped as blocked values (a warning, not an error). */
  blocked: number[];
  problems: IdentityProblem[];
}

/** Applies the item rules to a list of identities; the caller decides what a problem means (422, rejected line). */
export function normaliseIdentities(
  namespaces: readonly NamespaceSetting[],
  input: readonly IdentityRef[],
): NormalisedIdentities {
  const types = new Map(namespaces.map((n) => [n.code, n.type] as const));
  const result: NormalisedIdentities = { identities: [], blocked: [], problems: [] };
  if (input.length > MAX_IDENTITIES_PER_ITEM) {
    result.problems.push({
      code: 'TOO_MANY_IDENTITIES',
      message: `an item holds at most ${MAX_IDENTITIES_PER_ITEM} identities, got ${input.length}`,
    });
  }
  const seen = new Set<string>();
  input.forEach((identity, index) => {
    const type = types.get(identity.namespace);
    if (type === undefined) {
      const message = `namespace ${identity.namespace} is not registered`;
      result.problems.push({ code: 'UNKNOWN_NAMESPACE', message, index });
      return;
    }
    if (isBlockedValue(identity.id)) {
      result.blocked.push(index);
      return;
    }
    const id = normaliseIdentityValue(type, identity.id);
    if (id.length > MAX_IDENTITY_VALUE_LENGTH) {
      const message = `a value of ${identity.namespace} is longer than ${MAX_IDENTITY_VALUE_LENGTH} characters`;
      result.problems.push({ code: 'VALUE_TOO_LONG', message, index });
      return;
    }
    const key = `${identity.namespace}:${id}`;
    if (!seen.has(key)) {
      seen.add(key);
      result.identities.push({ namespace: identity.namespace, id });
    }
  });
  return result;
}
