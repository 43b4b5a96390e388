/**
 * The condition language of API.md "Conditions", as plain data. Audiences use every kind; a computed attribute's
 * `where` uses only data conditions over an event's `data`. Validation (422 CONDITION_INVALID with the offending
 * path) and evaluation live beside this file; an event condition compiles to an anonymous computed attribute so
 * that windows are counted by one engine (DESIGN.md "Activation").
 */

export const COMPARISON_OPS = [
  'eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'exists', 'notExists', 'contains', 'startsWith',
] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** Durations: an integer and a unit, `90s`, `15m`, `3h`, `30d`, at most 3650d. */
export type Duration = string;

export interface Window {
  last: Duration;
}

/** A leaf over an event's `data` (inside `where`). */
export interface FieldCondition {
  field: string;
  op: ComparisonOp;
  value?: unknown;
}

export type DataCondition =
  | FieldCondition
  | { and: DataCondition[] }
  | { or: DataCondition[] }
  | { not: DataCondition };

export interface AttributeCondition {
  attribute: string;
  op: ComparisonOp;
  value?: unknown;
}

export interface ComputedCondition {
  computed: string;
  op: ComparisonOp;
  value?: unknown;
}

export interface IdentityCondition {
  identity: string;
  op: 'exists' | 'notExists';
}

export interface EventCondition {
  event: { type: string | string[]; where?: DataCondition };
  window?: Window;
  /** Default `{"op": "gte", "value": 1}`; `{"op": "eq", "value": 0}` means "none". */
  count?: { op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte'; value: number };
}

export interface AudienceCondition {
  audience: string;
  op: 'member' | 'notMember';
}

export type Condition =
  | AttributeCondition
  | ComputedCondition
  | IdentityCondition
  | EventCondition
  | AudienceCondition
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition };

/** A problem found on write: `path` names the offending node, e.g. `condition.and[1].op`. */
export interface ConditionProblem {
  path: string;
  message: string;
}
