import {
  durationProblem,
  isPlainObject,
  parseDuration,
  pathProblem,
  unknownKeys,
  validateDataCondition,
  type ConditionProblem,
  type DataCondition,
  type Window,
} from '../conditions';

/** API.md "Computed attributes". */
export const COMPUTED_FUNCTIONS = [
  'count', 'sum', 'min', 'max', 'avg', 'first', 'last', 'distinctCount', 'mostFrequent', 'list',
] as const;
export type ComputedFunction = (typeof COMPUTED_FUNCTIONS)[number];

export const COMPUTED_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_EVENT_TYPES = 100;
const MAX_EVENT_TYPE_LENGTH = 200;

/** What a client defines (the PUT body), as stored in the log. */
export interface ComputedAttributeSpec {
  function: ComputedFunction;
  eventType?: string | string[];
  field?: string;
  where?: DataCondition;
  window?: Window;
}

export interface ComputedAttributeDefinition extends ComputedAttributeSpec {
  name: string;
  /** 1 for the first save of a name, +1 on every change (kept across a delete, so old state is never reused). */
  version: number;
}

/** A definition ready to evaluate: types as a set, the window in ms (Infinity: no window). */
export interface CompiledDefinition {
  name: string;
  version: number;
  fn: ComputedFunction;
  types?: ReadonlySet<string>;
  field?: string;
  where?: DataCondition;
  windowMs: number;
}

export function compileDefinition(definition: ComputedAttributeDefinition): CompiledDefinition {
  const { eventType } = definition;
  return {
    name: definition.name,
    version: definition.version,
    fn: definition.function,
    ...(eventType === undefined ? {} : { types: new Set(Array.isArray(eventType) ? eventType : [eventType]) }),
    ...(definition.field === undefined ? {} : { field: definition.field }),
    ...(definition.where === undefined ? {} : { where: definition.where }),
    windowMs: definition.window ? parseDuration(definition.window.last)! : Number.POSITIVE_INFINITY,
  };
}

export interface DefinitionProblem extends ConditionProblem {
  /** `CONDITION_INVALID` for a fault inside `where`, else `COMPUTED_ATTRIBUTE_INVALID`. */
  code: 'CONDITION_INVALID' | 'COMPUTED_ATTRIBUTE_INVALID';
}

export function nameProblem(name: unknown): string | undefined {
  return typeof name === 'string' && COMPUTED_NAME.test(name)
    ? undefined
    : 'a name starts with a letter and holds 1 to 64 letters, digits or "_"';
}

/** Every fault of a PUT body, each with its path (`function`, `window.last`, `where.and[1].op`, ...). */
export function validateComputedSpec(body: unknown): DefinitionProblem[] {
  if (!isPlainObject(body)) return [invalid('', 'the body is an object: {"function", "eventType"?, "field"?, "where"?, "window"?}')];
  const problems: DefinitionProblem[] = unknownKeys(body, ['function', 'eventType', 'field', 'where', 'window'], '')
    .map((p) => invalid(p.path.slice(1), p.message));
  const fn = body.function;
  if (typeof fn !== 'string' || !(COMPUTED_FUNCTIONS as readonly string[]).includes(fn)) {
    problems.push(invalid('function', `unknown function: "function" must be one of ${COMPUTED_FUNCTIONS.join(', ')}`));
  } else if (fn !== 'count' && body.field === undefined) {
    problems.push(invalid('field', `"${fn}" needs a "field": the path in the event's data it aggregates`));
  }
  if (body.field !== undefined) {
    const problem = pathProblem(body.field, '"field"');
    if (problem) problems.push(invalid('field', problem));
  }
  if (body.eventType !== undefined) problems.push(...eventTypeProblems(body.eventType));
  if (body.window !== undefined) problems.push(...windowProblems(body.window));
  if (body.where !== undefined) {
    problems.push(...validateDataCondition(body.where, 'where').map((p) => ({ ...p, code: 'CONDITION_INVALID' as const })));
  }
  return problems;
}

function eventTypeProblems(eventType: unknown): DefinitionProblem[] {
  const types = Array.isArray(eventType) ? eventType : [eventType];
  if (Array.isArray(eventType) && (eventType.length === 0 || eventType.length > MAX_EVENT_TYPES)) {
    return [invalid('eventType', `"eventType" lists 1 to ${MAX_EVENT_TYPES} event types`)];
  }
  const ok = types.every((t) => typeof t === 'string' && t.length > 0 && t.length <= MAX_EVENT_TYPE_LENGTH);
  return ok ? [] : [invalid('eventType', `"eventType" is an event type or a list of them (non-empty strings of at most ${MAX_EVENT_TYPE_LENGTH})`)];
}

function windowProblems(window: unknown): DefinitionProblem[] {
  if (!isPlainObject(window)) return [invalid('window', '"window" is {"last": "<duration>"}, such as {"last": "30d"}')];
  const problems = unknownKeys(window, ['last'], 'window').map((p) => invalid(p.path, p.message));
  const problem = durationProblem(window.last);
  if (problem) problems.push(invalid('window.last', window.last === undefined ? '"window" needs "last", such as "30d"' : problem));
  return problems;
}

function invalid(path: string, message: string): DefinitionProblem {
  return { code: 'COMPUTED_ATTRIBUTE_INVALID', path, message };
}
