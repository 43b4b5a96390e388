import { checkItemPayload, checkPayload, MAX_NESTING_DEPTH } from './payload-rules';

const codeOf = (value: unknown, strictKeys = true): string | undefined => {
  try {
    checkPayload(value, 'attributes', { strictKeys });
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });

describe('checkPayload', () => {
  it('accepts ordinary nested attributes', () => {
    expect(codeOf({ name: 'Tom', address: { city: 'Basel', lines: ['a', { b: 1 }] }, tags: [] })).toBeUndefined();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('rejects the prototype key %s at any depth', (key) => {
    expect(codeOf(JSON.parse(`{"a":[{"${key}":{"x":1}}]}`))).toBe('FORBIDDEN_KEY');
    expect(codeOf(JSON.parse(`{"${key}":1}`), false)).toBe('FORBIDDEN_KEY');
  });

  it.each(['$where', 'a.b', 'nul\u0000', ''])('rejects the attribute key %j', (key) => {
    expect(codeOf({ ok: { [key]: 1 } })).toBe('INVALID_ATTRIBUTE_KEY');
    expect(codeOf({ ok: { [key]: 1 } }, false)).toBeUndefined();
  });

  it('bounds nesting depth', () => {
    expect(codeOf(nest(MAX_NESTING_DEPTH))).toBeUndefined();
    expect(codeOf(nest(MAX_NESTING_DEPTH + 1))).toBe('NESTING_TOO_DEEP');
  });
});

describe('checkItemPayload', () => {
  const outcome = (fn: () => unknown) => {
    try {
      const kept = fn() as { code: string; details: unknown[] } | undefined;
      return kept ? { kept: kept.code, details: kept.details } : 'ok';
    } catch (error) {
      const e = error as { code: string; details: unknown[] };
      return { thrown: e.code, details: e.details };
    }
  };
  /** The two walks it replaces: the whole body loosely (throws), then the payload strictly (its error kept). */
  const twoWalks = (raw: Record<string, unknown>, payloadKey: string) => () => {
    checkPayload(raw, '', { strictKeys: false });
    try {
      checkPayload(raw[payloadKey], payloadKey, { strictKeys: true });
      return undefined;
    } catch (error) {
      return error;
    }
  };
  const bodies: Record<string, unknown>[] = [
    { source: 'web', data: { ok: 1, list: [{ a: { b: [1, { c: 2 }] } }] } },
    { source: 'web', data: { 'a.b': 1, deeper: { $x: 1 } } },
    { source: 'web', data: { ok: { list: [{ 'x.y': 1 }] } }, after: JSON.parse('{"__proto__":1}') },
    { source: 'web', data: [{ '': 1 }, { $b: 2 }] },
    { 'a.b': 1, $top: { 'c.d': 1 }, data: { fine: true } },
    { identities: [JSON.parse('{"constructor":{}}')], data: { 'a.b': 1 } },
    { data: nest(MAX_NESTING_DEPTH) as Record<string, unknown> },
    { data: { x: nest(MAX_NESTING_DEPTH - 1) } },
    { data: 'not an object', attributes: { 'a.b': 1 } },
  ];

  it.each(bodies.map((b, i) => [i, b]))('body %i: the same outcome, code and path as the walks it replaces', (_i, body) => {
    const raw = body as Record<string, unknown>;
    expect(outcome(() => checkItemPayload(raw, 'data'))).toEqual(outcome(twoWalks(raw, 'data')));
  });

  it('checks no key strictly without a payload field (links)', () => {
    expect(checkItemPayload({ 'a.b': { $c: 1 } }, undefined)).toBeUndefined();
  });
});
