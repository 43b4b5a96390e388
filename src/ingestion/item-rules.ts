import { ErrorDetail, unprocessable } from '../common';
import { identityKey, IdentityRef, IdentitySettings } from '../../projections/model';
import { checkIdentity, IDENTITY_MESSAGES, NO_IDENTITY_LEFT, tooManyIdentities, type IdentityProblem } from '../../projections/identity-graph';

/**
 * The pure rules every ingested item obeys (API.md "Rules for every item"): no I/O, no clock. The identity rules
 * themselves (normalisation, blocked values, limits, codes) are the pure core's (projections/identity-graph/
 * identity-rules.ts), shared with the simulator and requests; this adds what only ingestion knows: suppression,
 * unique namespaces, the primary identity and the kinds of item.
 */
export type ItemKind = 'record' | 'event' | 'link';
export const ITEM_KINDS: readonly ItemKind[] = ['record', 'event', 'link'];

export interface IdentityInput {
  namespace: string;
  id: string;
  primary?: boolean;
}

export interface Warning extends ErrorDetail {
  code: string;
}

export interface ResolvedIdentities {
  /** Normalised, blocked values dropped, repeats removed, in the item's order. */
  identities: IdentityRef[];
  primary: IdentityRef;
  warnings: Warning[];
}

interface Candidate extends IdentityRef {
  primary: boolean;
  rank: number;
}

/** Erased identities whose owner asked not to be collected again (src/privacy suppression list). */
export type IsSuppressed = (identity: IdentityRef) => boolean;

export function resolveIdentities(
  kind: ItemKind,
  inputs: IdentityInput[],
  settings: IdentitySettings,
  isSuppressed?: IsSuppressed,
): ResolvedIdentities {
  const tooMany = tooManyIdentities(inputs.length);
  if (tooMany) throw unprocessable(tooMany.code, tooMany.message);
  const { candidates, warnings } = normaliseAll(inputs, settings, isSuppressed);
  if (candidates.length === 0) throw unprocessable(NO_IDENTITY_LEFT.code, NO_IDENTITY_LEFT.message, warnings);
  checkUniqueNamespaces(candidates, settings);
  if (kind === 'link' && candidates.length < 2) {
    throw unprocessable('LINK_NEEDS_TWO_IDENTITIES', 'A link needs at least two distinct identities', warnings);
  }
  const identities = candidates.map(({ namespace, id }) => ({ namespace, id }));
  return { identities, primary: choosePrimary(kind, candidates), warnings };
}

function normaliseAll(inputs: IdentityInput[], settings: IdentitySettings, isSuppressed?: IsSuppressed) {
  const ranks = new Map(settings.namespaces.map((n, i) => [n.code, { rank: i + 1, type: n.type }]));
  const problems: IdentityProblemDetail[] = [];
  const warnings: Warning[] = [];
  const byKey = new Map<string, Candidate>();
  inputs.forEach((input, i) => {
    const path = `identities[${i}]`;
    const ns = ranks.get(input.namespace);
    const verdict = checkIdentity(ns?.type, input);
    if (verdict.kind === 'problem') {
      problems.push(problemDetail(path, verdict.problem));
      return;
    }
    if (verdict.kind === 'blocked') {
      warnings.push({ path, code: 'BLOCKED_VALUE_DROPPED', message: IDENTITY_MESSAGES.blockedDropped(input.namespace) });
      return;
    }
    const { id } = verdict.identity;
    if (isSuppressed?.({ namespace: input.namespace, id })) {
      warnings.push({ path, code: 'SUPPRESSED_IDENTITY_DROPPED', message: `An erased ${input.namespace} value was dropped` });
      return;
    }
    const key = identityKey({ namespace: input.namespace, id });
    const seen = byKey.get(key);
    if (seen) seen.primary ||= input.primary === true;
    else byKey.set(key, { namespace: input.namespace, id, primary: input.primary === true, rank: ns!.rank });
  });
  if (problems.length > 0) throw unprocessable(problems[0].code, problems[0].message, problems);
  return { candidates: [...byKey.values()], warnings };
}

type IdentityProblemDetail = ErrorDetail & { code: IdentityProblem['code'] };

function problemDetail(path: string, problem: IdentityProblem): IdentityProblemDetail {
  return { path: problem.field ? `${path}.${problem.field}` : path, code: problem.code, message: problem.message };
}

function checkUniqueNamespaces(candidates: Candidate[], settings: IdentitySettings): void {
  for (const ns of settings.namespaces.filter((n) => n.unique)) {
    if (candidates.filter((c) => c.namespace === ns.code).length > 1) {
      throw unprocessable('UNIQUE_NAMESPACE_CONFLICT', `The item holds two different values of the unique namespace ${ns.code}`, [
        { path: 'identities', code: 'UNIQUE_NAMESPACE_CONFLICT', message: `Namespace ${ns.code} is unique`, namespace: ns.code },
      ]);
    }
  }
}

/** Records: the identity marked primary, else the highest-priority one; events and links: the highest-priority one. */
function choosePrimary(kind: ItemKind, candidates: Candidate[]): IdentityRef {
  if (kind === 'record') {
    const marked = candidates.filter((c) => c.primary);
    if (marked.length > 1) throw unprocessable('MULTIPLE_PRIMARY_IDENTITIES', 'At most one identity may be marked primary');
    if (marked.length === 1) return { namespace: marked[0].namespace, id: marked[0].id };
  }
  const best = candidates.reduce((a, b) => (b.rank < a.rank ? b : a));
  return { namespace: best.namespace, id: best.id };
}

const ZONED_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$/i;

/**
 * An ISO-8601 timestamp with a zone (a zoneless time is ambiguous across sources), as ISO UTC with milliseconds.
 * `now` is used when the timestamp is optional and absent; it is passed in so the rule stays pure.
 */
export function parseItemTimestamp(value: unknown, required: boolean, now: Date): string {
  if (value === undefined || value === null) {
    if (required) throw unprocessable('TIMESTAMP_REQUIRED', 'timestamp is required', [{ path: 'timestamp', message: 'required' }]);
    return now.toISOString();
  }
  const m = typeof value === 'string' ? ZONED_TIMESTAMP.exec(value) : null;
  if (!m || !validCalendar(+m[1], +m[2], +m[3], +m[4], +m[5], +(m[6] ?? 0)) || Number.isNaN(Date.parse(value as string))) {
    throw unprocessable('TIMESTAMP_INVALID', 'timestamp must be ISO-8601 with a zone, e.g. 2024-05-01T12:00:00Z', [
      { path: 'timestamp', message: 'not an ISO-8601 timestamp with a zone' },
    ]);
  }
  return new Date(Date.parse(value as string)).toISOString();
}

function validCalendar(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h <= 23 && mi <= 59 && s <= 59;
}
