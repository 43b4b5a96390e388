import { jsonCopy } from './json-copy';

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const outcome = (fn: () => unknown) => {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
};

describe('jsonCopy', () => {
  const cases: [string, unknown][] = [
    ['an ingested event', { itemId: 'e-1', source: 'web', timestamp: '2024-01-01T00:00:00.000Z', identities: [{ namespace: 'email', id: 'a@b.c' }], data: { n: 1.5, ok: true, none: null, list: [1, 'x', { y: [] }] } }],
    ['undefined values and functions in objects', { a: undefined, b: () => 1, c: Symbol('s'), d: 1 }],
    ['undefined, functions and holes in arrays', [undefined, () => 1, , 3]], // eslint-disable-line no-sparse-arrays
    ['numbers JSON cannot hold', { nan: NaN, inf: Infinity, ninf: -Infinity, negzero: -0, list: [NaN, -0] }],
    ['dates and other toJSON', { at: new Date(0), custom: { toJSON: () => ({ replaced: true }) } }],
    ['maps, sets, boxed values and class instances', { m: new Map([[1, 2]]), s: new Set([1]), str: new String('x'), n: new Number(2), k: new (class K { x = 1; })() }],
    ['a "__proto__" own key', JSON.parse('{"__proto__":{"x":1},"y":2}')],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1 })],
    ['integer-like keys', { b: 1, 2: 'two', a: 3, 1: 'one' }],
    ['a deep nest', JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`)],
    ['a string', 'x'],
    ['null', null],
  ];

  it.each(cases)('%s: the round trip\'s value, key order included', (_name, value) => {
    const copy = jsonCopy(value);
    expect(copy).toStrictEqual(roundTrip(value));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(roundTrip(value)));
    if (value !== null && typeof value === 'object') expect(copy).not.toBe(value);
  });

  it('a "__proto__" key stays an own key, not the prototype', () => {
    const copy = jsonCopy(JSON.parse('{"__proto__":{"x":1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__']);
  });

  it('shares nothing with the original', () => {
    const value = { data: { list: [{ a: 1 }] } };
    const copy = jsonCopy(value) as typeof value;
    value.data.list[0].a = 2;
    expect(copy.data.list[0].a).toBe(1);
  });

  it.each([
    ['a cycle', (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()],
    ['a bigint', { n: 1n }],
    ['undefined at the top', undefined],
  ])('%s: the round trip\'s error', (_name, value) => {
    expect(outcome(() => jsonCopy(value))).toEqual(outcome(() => roundTrip(value)));
  });
});
