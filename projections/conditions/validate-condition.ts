import { COMPARISON_OPS, type ComparisonOp, type ConditionProblem } from './condition';
import { pathProblem } from './field-path';

/** API.md "Conditions": `and` / `or` hold 1..50 children; a condition nests at most 10 deep. */
export const MAX_CHILDREN = 50;
export const MAX_DEPTH = 10;
const MAX_IN_VALUES = 1000;
const MAX_STRING_VALUE = 1024;

const NO_VALUE_OPS: readonly ComparisonOp[] = ['exists', 'notExists'];
const ORDER_OPS: readonly ComparisonOp[] = ['gt', 'gte', 'lt', 'lte'];

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The problems of a data condition (a `where`): each names the offending node by its path from `path`, e.g.
 * `where.and[0].field`. `depth` is the nesting depth of this node inside the whole condition (1 at a root), so an
 * audience that holds a `where` inside an event condition keeps the depth limit over the whole tree.
 */
export function validateDataCondition(raw: unknown, path = 'where', depth = 1): ConditionProblem[] {
  if (depth > MAX_DEPTH) return [{ path, message: `conditions nest at most ${MAX_DEPTH} deep` }];
  if (!isPlainObject(raw)) return [{ path, message: 'a condition is an object: {"field", "op", "value"?} or and / or / not' }];
  const kinds = ['field', 'and', 'or', 'not'].filter((k) => k in raw);
  if (kinds.length !== 1) {
    return [{ path, message: kinds.length === 0
      ? 'a data condition needs one of "field", "and", "or", "not"'
      : `a data condition holds exactly one of ${kinds.map((k) => `"${k}"`).join(', ')}` }];
  }
  const kind = kinds[0];
  if (kind === 'not') return [...unknownKeys(raw, ['not'], path), ...validateDataCondition(raw.not, `${path}.not`, depth + 1)];
  if (kind === 'and' || kind === 'or') return validateGroup(raw, kind, path, (child, at) => validateDataCondition(child, at, depth + 1));
  const problems = unknownKeys(raw, ['field', 'op', 'value'], path);
  const fieldProblem = pathProblem(raw.field, '"field"');
  if (fieldProblem) problems.push({ path: `${path}.field`, message: fieldProblem });
  return [...problems, ...validateComparison(raw, path)];
}

/** `{"and": [...]}` / `{"or": [...]}`: 1..50 children, each validated by `child`. */
export function validateGroup(
  raw: Record<string, unknown>,
  kind: 'and' | 'or',
  path: string,
  child: (node: unknown, path: string) => ConditionProblem[],
): ConditionProblem[] {
  const problems = unknownKeys(raw, [kind], path);
  const children = raw[kind];
  if (!Array.isArray(children) || children.length === 0 || children.length > MAX_CHILDREN) {
    return [...problems, { path: `${path}.${kind}`, message: `"${kind}" holds 1 to ${MAX_CHILDREN} conditions` }];
  }
  children.forEach((node, i) => problems.push(...child(node, `${path}.${kind}[${i}]`)));
  return problems;
}

/** The `op` and `value` of a comparison leaf (data, attribute or computed condition) at `path`. */
export function validateComparison(raw: Record<string, unknown>, path: string): ConditionProblem[] {
  const op = raw.op;
  if (typeof op !== 'string' || !(COMPARISON_OPS as readonly string[]).includes(op)) {
    return [{ path: `${path}.op`, message: `"op" must be one of ${COMPARISON_OPS.join(', ')}` }];
  }
  const message = valueProblem(op as ComparisonOp, raw.value, 'value' in raw);
  return message ? [{ path: `${path}.value`, message }] : [];
}

function valueProblem(op: ComparisonOp, value: unknown, present: boolean): string | undefined {
  if (NO_VALUE_OPS.includes(op)) return present ? `"${op}" takes no value` : undefined;
  if (!present) return `"${op}" needs a value`;
  if (op === 'in' || op === 'nin') {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES) {
      return `"${op}" needs an array of 1 to ${MAX_IN_VALUES} values`;
    }
    return value.every(isScalar) ? undefined : `"${op}" values are strings, numbers or booleans`;
  }
  if (ORDER_OPS.includes(op)) return isOrderable(value) ? undefined : `"${op}" compares with a number or a string`;
  if (op === 'startsWith') return typeof value === 'string' ? undefined : '"startsWith" needs a string';
  return isScalar(value) ? undefined : `"${op}" needs a string, a number or a boolean`;
}

function isScalar(value: unknown): boolean {
  return isOrderable(value) || typeof value === 'boolean';
}

function isOrderable(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.length <= MAX_STRING_VALUE;
}

/** A key the node's kind does not know is a typo the client should hear about, not something silently ignored. */
export function unknownKeys(raw: Record<string, unknown>, known: readonly string[], path: string): ConditionProblem[] {
  return Object.keys(raw)
    .filter((k) => !known.includes(k))
    .map((k) => ({ path: `${path}.${k}`, message: `unknown key "${k.slice(0, 40)}"` }));
}
