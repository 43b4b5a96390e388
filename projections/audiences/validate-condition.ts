import {
  durationProblem,
  isPlainObject,
  MAX_DEPTH,
  pathProblem,
  unknownKeys,
  validateComparison,
  validateDataCondition,
  validateGroup,
  type Condition,
  type ConditionProblem,
} from '../conditions';

export const MAX_EVENT_TYPES = 20;
/** Audience ids and computed attribute names (API.md "Audiences": "id like a computed attribute's name"). */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const KINDS = ['attribute', 'computed', 'identity', 'event', 'audience', 'and', 'or', 'not'] as const;
const COUNT_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'];

/** What a condition may name, as the store knows it at the moment of the write. */
export interface ConditionContext {
  namespaces: ReadonlySet<string>;
  audiences: ReadonlySet<string>;
  /** Known computed attribute names; undefined: not checked. */
  computed?: ReadonlySet<string>;
}

/**
 * Every problem of an audience condition, each naming its node (`condition.and[1].op`); empty means valid. Data
 * conditions and comparisons are checked by projections/conditions, so `where` and `op` mean the same in audiences
 * and computed attributes. All problems are collected, so one 422 fixes one round-trip.
 */
export function validateCondition(raw: unknown, ctx: ConditionContext, path = 'condition'): ConditionProblem[] {
  return check(raw, ctx, path, 1);
}

export function isValidCondition(raw: unknown, ctx: ConditionContext): raw is Condition {
  return validateCondition(raw, ctx).length === 0;
}

function check(raw: unknown, ctx: ConditionContext, path: string, depth: number): ConditionProblem[] {
  if (depth > MAX_DEPTH) return [problem(path, `conditions nest at most ${MAX_DEPTH} deep`)];
  if (!isPlainObject(raw)) return [problem(path, 'a condition is an object, e.g. {"attribute", "op", "value"}')];
  const kinds = KINDS.filter((k) => k in raw);
  if (kinds.length !== 1) {
    return [problem(path, `a condition holds exactly one of ${KINDS.map((k) => `"${k}"`).join(', ')}`)];
  }
  const kind = kinds[0]!;
  if (kind === 'and' || kind === 'or') return validateGroup(raw, kind, path, (c, at) => check(c, ctx, at, depth + 1));
  if (kind === 'not') return [...unknownKeys(raw, ['not'], path), ...check(raw.not, ctx, `${path}.not`, depth + 1)];
  if (kind === 'event') return checkEvent(raw, path, depth);
  if (kind === 'attribute') return checkAttribute(raw, path);
  if (kind === 'computed') return checkComputed(raw, ctx, path);
  if (kind === 'identity') return checkIdentity(raw, ctx, path);
  return checkAudience(raw, ctx, path);
}

function checkAttribute(raw: Record<string, unknown>, path: string): ConditionProblem[] {
  const out = unknownKeys(raw, ['attribute', 'op', 'value'], path);
  const message = pathProblem(raw.attribute, '"attribute"');
  if (message) out.push(problem(`${path}.attribute`, message));
  return [...out, ...validateComparison(raw, path)];
}

function checkComputed(raw: Record<string, unknown>, ctx: ConditionContext, path: string): ConditionProblem[] {
  const out = unknownKeys(raw, ['computed', 'op', 'value'], path);
  const name = raw.computed;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    out.push(problem(`${path}.computed`, 'a computed attribute name is [A-Za-z][A-Za-z0-9_]{0,63}'));
  } else if (ctx.computed && !ctx.computed.has(name)) {
    out.push(problem(`${path}.computed`, `there is no computed attribute "${name}"`));
  }
  return [...out, ...validateComparison(raw, path)];
}

function checkIdentity(raw: Record<string, unknown>, ctx: ConditionContext, path: string): ConditionProblem[] {
  const out = unknownKeys(raw, ['identity', 'op'], path);
  if (typeof raw.identity !== 'string' || !ctx.namespaces.has(raw.identity)) {
    out.push(problem(`${path}.identity`, '"identity" names a registered namespace'));
  }
  if (raw.op !== 'exists' && raw.op !== 'notExists') out.push(problem(`${path}.op`, '"op" is "exists" or "notExists"'));
  return out;
}

function checkAudience(raw: Record<string, unknown>, ctx: ConditionContext, path: string): ConditionProblem[] {
  const out = unknownKeys(raw, ['audience', 'op'], path);
  const id = raw.audience;
  if (typeof id !== 'string' || !NAME_PATTERN.test(id)) {
    out.push(problem(`${path}.audience`, 'an audience id is [A-Za-z][A-Za-z0-9_]{0,63}'));
  } else if (!ctx.audiences.has(id)) {
    out.push(problem(`${path}.audience`, `there is no audience "${id}"`));
  }
  if (raw.op !== 'member' && raw.op !== 'notMember') out.push(problem(`${path}.op`, '"op" is "member" or "notMember"'));
  return out;
}

function checkEvent(raw: Record<string, unknown>, path: string, depth: number): ConditionProblem[] {
  const out = unknownKeys(raw, ['event', 'window', 'count'], path);
  const event = raw.event;
  if (!isPlainObject(event)) return [...out, problem(`${path}.event`, '"event" is {"type", "where"?}')];
  out.push(...unknownKeys(event, ['type', 'where'], `${path}.event`), ...checkTypes(event.type, `${path}.event.type`));
  if (event.where !== undefined) out.push(...validateDataCondition(event.where, `${path}.event.where`, depth + 1));
  if (raw.window !== undefined) out.push(...checkWindow(raw.window, `${path}.window`));
  if (raw.count !== undefined) out.push(...checkCount(raw.count, `${path}.count`));
  return out;
}

function checkTypes(type: unknown, path: string): ConditionProblem[] {
  const types = Array.isArray(type) ? type : [type];
  const valid = types.length >= 1 && types.length <= MAX_EVENT_TYPES;
  if (valid && types.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 200)) return [];
  return [problem(path, `"type" is an event type or an array of 1 to ${MAX_EVENT_TYPES} of them`)];
}

function checkWindow(window: unknown, path: string): ConditionProblem[] {
  if (!isPlainObject(window)) return [problem(path, '"window" is {"last": "<duration>"}')];
  const out = unknownKeys(window, ['last'], path);
  const message = durationProblem(window.last);
  if (message) out.push(problem(`${path}.last`, message));
  return out;
}

function checkCount(count: unknown, path: string): ConditionProblem[] {
  if (!isPlainObject(count)) return [problem(path, '"count" is {"op", "value"}')];
  const out = unknownKeys(count, ['op', 'value'], path);
  if (!COUNT_OPS.includes(count.op as string)) out.push(problem(`${path}.op`, `count "op" is one of ${COUNT_OPS.join(', ')}`));
  if (!Number.isSafeInteger(count.value) || (count.value as number) < 0) {
    out.push(problem(`${path}.value`, 'count "value" is a non-negative integer'));
  }
  return out;
}

const problem = (path: string, message: string): ConditionProblem => ({ path, message });
