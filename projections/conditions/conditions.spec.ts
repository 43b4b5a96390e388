import { compare, evaluateDataCondition, parseDuration, durationProblem, validateDataCondition, type DataCondition } from '.';

describe('compare', () => {
  it.each([
    ['eq', 5, 5, true], ['eq', '5', 5, false], ['neq', undefined, 5, true], ['neq', 5, 5, false],
    ['in', 'b', ['a', 'b'], true], ['in', 'c', ['a', 'b'], false], ['nin', 'c', ['a', 'b'], true], ['nin', undefined, ['a'], true],
    ['gt', 10, 9, true], ['gt', 9, 10, false], ['gt', '10', 9, false],
    ['gte', 9, 9, true], ['lt', 2, 10, true], ['lt', '2', '10', false], ['lte', 'a', 'a', true], ['lt', undefined, 3, false],
    ['lt', '2024-05-01T00:00:00.000Z', '2024-06-01T00:00:00.000Z', true],
    ['contains', 'hello world', 'lo w', true], ['contains', ['a', 3], 3, true], ['contains', ['a'], 'b', false], ['contains', 42, 4, false],
    ['startsWith', '/pricing/x', '/pricing', true], ['startsWith', 5, '5', false],
  ] as const)('%s(%j, %j) is %s', (op, actual, value, expected) => {
    expect(compare(op, actual, value)).toBe(expected);
  });

  it('exists and notExists treat null as absent', () => {
    expect([compare('exists', 0), compare('exists', null), compare('exists', undefined)]).toEqual([true, false, false]);
    expect([compare('notExists', ''), compare('notExists', null)]).toEqual([false, true]);
  });
});

describe('parseDuration', () => {
  it('reads s, m, h, d up to 3650d', () => {
    expect(['90s', '15m', '3h', '30d', '3650d'].map(parseDuration)).toEqual([90_000, 900_000, 10_800_000, 2_592_000_000, 3650 * 86_400_000]);
  });
  it.each(['3651d', '0s', '1.5h', '10', '10w', ' 1d', '', '-1d', '01d'])('rejects %j with a reason', (text) => {
    expect(parseDuration(text)).toBeUndefined();
    expect(durationProblem(text)).toEqual(expect.any(String));
  });
  it('rejects non-strings', () => expect(parseDuration(30)).toBeUndefined());
});

describe('validateDataCondition', () => {
  it('accepts a nested condition', () => {
    const where = { and: [{ field: 'total', op: 'gte', value: 10 }, { not: { field: 'coupon', op: 'exists' } }, { or: [{ field: 'a.b', op: 'in', value: [1, 2] }] }] };
    expect(validateDataCondition(where)).toEqual([]);
  });

  it('names the offending node by its path', () => {
    const where = { and: [{ field: 'total', op: 'gte', value: 10 }, { field: 'x', op: 'between', value: 1 }, { not: { op: 'eq', value: 1 } }] };
    expect(validateDataCondition(where)).toEqual([
      { path: 'where.and[1].op', message: expect.stringContaining('"op" must be one of') },
      { path: 'where.and[2].not', message: expect.stringContaining('needs one of') },
    ]);
  });

  it.each([
    [{ field: '', op: 'eq', value: 1 }, 'where.field'],
    [{ field: 'a..b', op: 'eq', value: 1 }, 'where.field'],
    [{ field: 'a', op: 'in', value: 1 }, 'where.value'],
    [{ field: 'a', op: 'gt', value: true }, 'where.value'],
    [{ field: 'a', op: 'exists', value: 1 }, 'where.value'],
    [{ field: 'a', op: 'eq' }, 'where.value'],
    [{ field: 'a', op: 'eq', value: { x: 1 } }, 'where.value'],
    [{ field: 'a', op: 'eq', value: 1, extra: 1 }, 'where.extra'],
    [{ and: [] }, 'where.and'],
    [{ or: 'x' }, 'where.or'],
    [{ field: 'a', and: [] }, 'where'],
    [[], 'where'],
    [null, 'where'],
  ])('%j is rejected at %s', (where, path) => {
    expect(validateDataCondition(where).map((p) => p.path)).toEqual([path]);
  });

  it('limits depth to 10 and children to 50', () => {
    let deep: unknown = { field: 'a', op: 'exists' };
    for (let i = 0; i < 10; i++) deep = { not: deep };
    expect(validateDataCondition(deep)).toEqual([{ path: `where${'.not'.repeat(10)}`, message: expect.stringContaining('10 deep') }]);
    const wide = { or: Array.from({ length: 51 }, () => ({ field: 'a', op: 'exists' })) };
    expect(validateDataCondition(wide)[0].path).toBe('where.or');
  });
});

describe('evaluateDataCondition', () => {
  const data = { total: 42, currency: 'CHF', items: ['sku-1', 'sku-2'], shipping: { city: 'Basel' } };
  it.each<[DataCondition, boolean]>([
    [{ field: 'total', op: 'gt', value: 40 }, true],
    [{ field: 'shipping.city', op: 'eq', value: 'Basel' }, true],
    [{ field: 'items', op: 'contains', value: 'sku-2' }, true],
    [{ and: [{ field: 'total', op: 'gt', value: 40 }, { field: 'currency', op: 'eq', value: 'EUR' }] }, false],
    [{ or: [{ field: 'total', op: 'gt', value: 50 }, { field: 'currency', op: 'eq', value: 'CHF' }] }, true],
    [{ not: { field: 'coupon', op: 'exists' } }, true],
    [{ field: 'constructor', op: 'exists' }, false],
    [{ field: '__proto__.x', op: 'exists' }, false],
  ])('%j → %s', (condition, expected) => expect(evaluateDataCondition(condition, data)).toBe(expected));
});
