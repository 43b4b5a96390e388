import { compileDefinition, nameProblem, validateComputedSpec } from './definition';
import { evolveComputedDefinitions, initialComputedDefinitions, compiledDefinitions } from './definitions.fold';

describe('computed attribute definitions', () => {
  it('accepts every documented shape', () => {
    expect(validateComputedSpec({ function: 'count' })).toEqual([]);
    expect(validateComputedSpec({ function: 'sum', field: 'order.total', eventType: ['purchase', 'refund'],
      where: { field: 'currency', op: 'eq', value: 'CHF' }, window: { last: '30d' } })).toEqual([]);
  });

  it.each([
    [{ function: 'median', field: 'x' }, 'COMPUTED_ATTRIBUTE_INVALID', 'function', 'unknown function'],
    [{ function: 'sum' }, 'COMPUTED_ATTRIBUTE_INVALID', 'field', 'needs a "field"'],
    [{ function: 'count', window: { last: '30 days' } }, 'COMPUTED_ATTRIBUTE_INVALID', 'window.last', 'is not a duration'],
    [{ function: 'count', window: { last: '3651d' } }, 'COMPUTED_ATTRIBUTE_INVALID', 'window.last', 'maximum of 3650d'],
    [{ function: 'count', window: {} }, 'COMPUTED_ATTRIBUTE_INVALID', 'window.last', 'needs "last"'],
    [{ function: 'count', window: '30d' }, 'COMPUTED_ATTRIBUTE_INVALID', 'window', '{"last"'],
    [{ function: 'count', eventType: [] }, 'COMPUTED_ATTRIBUTE_INVALID', 'eventType', '1 to 100'],
    [{ function: 'count', eventType: 7 }, 'COMPUTED_ATTRIBUTE_INVALID', 'eventType', 'event type'],
    [{ function: 'max', field: 'a..b' }, 'COMPUTED_ATTRIBUTE_INVALID', 'field', 'empty key'],
    [{ function: 'count', colour: 'red' }, 'COMPUTED_ATTRIBUTE_INVALID', 'colour', 'unknown key'],
    [{ function: 'count', where: { and: [{ field: 'a', op: 'eq', value: 1 }, { field: 'b', op: 'like', value: 1 }] } },
      'CONDITION_INVALID', 'where.and[1].op', '"op" must be one of'],
    [{ function: 'count', where: { and: [{ op: 'eq', value: 1 }] } }, 'CONDITION_INVALID', 'where.and[0]', 'needs one of'],
    [{ function: 'count', where: { and: [{ field: '', op: 'eq', value: 1 }] } }, 'CONDITION_INVALID', 'where.and[0].field', 'is required'],
  ])('%j: %s at %s', (body, code, path, message) => {
    expect(validateComputedSpec(body)).toEqual([{ code, path, message: expect.stringContaining(message) }]);
  });

  it('reports every fault at once', () => {
    expect(validateComputedSpec({ function: 'avg', window: { last: 'soon' } }).map((p) => p.path)).toEqual(['field', 'window.last']);
  });

  it('names start with a letter and hold at most 64 of [A-Za-z0-9_]', () => {
    expect(['purchases30d', 'a', `a${'b'.repeat(63)}`].map(nameProblem)).toEqual([undefined, undefined, undefined]);
    for (const bad of ['_ev_1', '1a', '', `a${'b'.repeat(64)}`, 'a-b', 'a b', 'é']) expect(nameProblem(bad)).toEqual(expect.any(String));
  });

  it('compiles the window to milliseconds (no window: forever) and the types to a set', () => {
    const compiled = compileDefinition({ name: 'n', version: 3, function: 'count', eventType: 'purchase', window: { last: '15m' } });
    expect([compiled.windowMs, [...compiled.types!], compiled.version]).toEqual([900_000, ['purchase'], 3]);
    expect(compileDefinition({ name: 'n', version: 1, function: 'count' }).windowMs).toBe(Infinity);
  });

  it('folds saves and deletes; versions survive a delete', () => {
    let state = initialComputedDefinitions();
    state = evolveComputedDefinitions(state, { type: 'ComputedAttributeSaved', data: { name: 'b', version: 1, function: 'count' } });
    state = evolveComputedDefinitions(state, { type: 'ComputedAttributeSaved', data: { name: 'a', version: 2, function: 'count' } });
    state = evolveComputedDefinitions(state, { type: 'ComputedAttributeDeleted', data: { name: 'a' } });
    expect(compiledDefinitions(state).map((d) => d.name)).toEqual(['b']);
    expect(state.versions.get('a')).toBe(2);
  });
});
