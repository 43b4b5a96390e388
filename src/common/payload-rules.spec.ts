import { checkPayload, MAX_NESTING_DEPTH } from './payload-rules';

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
