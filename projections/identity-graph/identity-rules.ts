import type { IdentityRef, NamespaceSetting, NamespaceType } from '../model';

/**
 * The one set of identity rules (API.md "Rules for every item"): normalisation, blocked values, limits, and the
 * codes and messages of what breaks them. Ingestion, lookups by path, link rejections, privacy requests and the
 * simulator all call these, so a lookup finds exactly what ingestion stored and the simulator accepts and rejects
 * exactly what ingestion does (src/ingestion/identity-rules.parity.spec.ts).
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

/** Longest identity value, counted after normalisation (API.md: "a value over 1024 characters" is a 422). */
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

export type IdentityProblemCode =
  | 'UNKNOWN_NAMESPACE'
  | 'IDENTITY_VALUE_TOO_LONG'
  | 'IDENTITY_VALUE_BLOCKED'
  | 'TOO_MANY_IDENTITIES'
  | 'NO_IDENTITY';

export interface IdentityProblem {
  code: IdentityProblemCode;
  message: string;
  /** Position in the input list, when the problem belongs to one identity. */
  index?: number;
  /** The field of that identity at fault. */
  field?: 'namespace' | 'id';
}

/** The messages of the rules, one per code, so every surface words a broken rule the same way. */
export const IDENTITY_MESSAGES = {
  unknownNamespace: (namespace: string) => `Namespace ${namespace} is not registered`,
  valueTooLong: () => `Identity values hold at most ${MAX_IDENTITY_VALUE_LENGTH} characters`,
  tooMany: (count: number) => `An item holds at most ${MAX_IDENTITIES_PER_ITEM} identities, got ${count}`,
  noIdentity: () => 'The item has no identity left once blocked values are dropped',
  blockedDropped: (namespace: string) => `A blocked ${namespace} value was dropped`,
  blockedRequested: (path: string) => `${path}.id is a blocked value (empty, null, unknown, ...)`,
};

/** TOO_MANY_IDENTITIES when a list holds more identities than an item may. */
export function tooManyIdentities(count: number): IdentityProblem | undefined {
  if (count <= MAX_IDENTITIES_PER_ITEM) return undefined;
  return { code: 'TOO_MANY_IDENTITIES', message: IDENTITY_MESSAGES.tooMany(count) };
}

export const NO_IDENTITY_LEFT: IdentityProblem = { code: 'NO_IDENTITY', message: IDENTITY_MESSAGES.noIdentity() };

/** What the rules make of one identity: its normalised form, a blocked value (dropped), or a problem. */
export type IdentityVerdict =
  | { kind: 'kept'; identity: IdentityRef }
  | { kind: 'blocked' }
  | { kind: 'problem'; problem: IdentityProblem };

/** One identity under the rules, its namespace's type looked up in the settings (undefined: not registered). */
export function checkIdentity(type: NamespaceType | undefined, identity: IdentityRef, index?: number): IdentityVerdict {
  if (type === undefined) {
    const message = IDENTITY_MESSAGES.unknownNamespace(identity.namespace);
    return { kind: 'problem', problem: { code: 'UNKNOWN_NAMESPACE', message, index, field: 'namespace' } };
  }
  if (isBlockedValue(identity.id)) return { kind: 'blocked' };
  const id = normaliseIdentityValue(type, identity.id);
  if (id.length > MAX_IDENTITY_VALUE_LENGTH) {
    return { kind: 'problem', problem: { code: 'IDENTITY_VALUE_TOO_LONG', message: IDENTITY_MESSAGES.valueTooLong(), index, field: 'id' } };
  }
  return { kind: 'kept', identity: { namespace: identity.namespace, id } };
}

export function namespaceTypes(namespaces: readonly NamespaceSetting[]): Map<string, NamespaceType> {
  return new Map(namespaces.map((n) => [n.code, n.type] as const));
}

/**
 * One identity named by a request (a link rejection, a privacy request, a lookup): normalised like ingestion, but
 * a blocked value is an error (IDENTITY_VALUE_BLOCKED), since there is nothing to drop it from.
 */
export function checkRequestedIdentity(type: NamespaceType | undefined, identity: IdentityRef, path: string): IdentityRef | IdentityProblem {
  const verdict = checkIdentity(type, identity);
  if (verdict.kind === 'kept') return verdict.identity;
  if (verdict.kind === 'problem') return verdict.problem;
  return { code: 'IDENTITY_VALUE_BLOCKED', message: IDENTITY_MESSAGES.blockedRequested(path), field: 'id' };
}

export interface NormalisedIdentities {
  /** Normalised, blocked values dropped, repeats of the same identity dropped (first kept). */
  identities: IdentityRef[];
  /** Input positions of the identities dropped as blocked values (a warning, not an error). */
  blocked: number[];
  problems: IdentityProblem[];
}

/**
 * Applies the item rules to a list of identities; the caller decides what a problem means (422, rejected line).
 * An item left with no identity is a problem too (NO_IDENTITY).
 */
export function normaliseIdentities(
  namespaces: readonly NamespaceSetting[],
  input: readonly IdentityRef[],
): NormalisedIdentities {
  const types = namespaceTypes(namespaces);
  const tooMany = tooManyIdentities(input.length);
  const result: NormalisedIdentities = { identities: [], blocked: [], problems: tooMany ? [tooMany] : [] };
  const seen = new Set<string>();
  input.forEach((identity, index) => {
    const verdict = checkIdentity(types.get(identity.namespace), identity, index);
    if (verdict.kind === 'problem') result.problems.push(verdict.problem);
    else if (verdict.kind === 'blocked') result.blocked.push(index);
    else {
      const key = `${verdict.identity.namespace}:${verdict.identity.id}`;
      if (!seen.has(key)) {
        seen.add(key);
        result.identities.push(verdict.identity);
      }
    }
  });
  if (result.problems.length === 0 && result.identities.length === 0) result.problems.push(NO_IDENTITY_LEFT);
  return result;
}
