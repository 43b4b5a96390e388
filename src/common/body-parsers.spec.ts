import { decodeUtf8, MalformedLine, parseJson, parseNdjson } from './body-parsers';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('decodeUtf8', () => {
  it('decodes valid UTF-8, including non-ASCII', () => {
    expect(decodeUtf8(Buffer.from('{"n":"Zoë 🧩"}'))).toBe('{"n":"Zoë 🧩"}');
  });
  it.each([
    ['a stray 0xff', [0x22, 0xff, 0x22]],
    ['an overlong slash', [0xc0, 0xaf]],
    ['a lone continuation byte', [0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ])('rejects %s with INVALID_UTF8', (_, bytes) => {
    expect(codeOf(() => decodeUtf8(Buffer.from(bytes)))).toBe('INVALID_UTF8');
  });
});

describe('parseJson', () => {
  it('parses JSON and keeps __proto__ as an own key (the payload rules reject it later)', () => {
    const parsed = parseJson('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it.each([['', 'EMPTY_BODY'], ['  \n', 'EMPTY_BODY'], ['{', 'MALFORMED_JSON'], ["{'a': 1}", 'MALFORMED_JSON']])(
    '%j → %s',
    (text, code) => expect(codeOf(() => parseJson(text))).toBe(code),
  );
});

describe('parseNdjson', () => {
  it('parses one value per line, skipping blank lines, and marks malformed lines', () => {
    const out = parseNdjson('{"a":1}\n\n  \n{oops\r\n{"b":2}\r\n');
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ a: 1 });
    expect(out[1]).toBeInstanceOf(MalformedLine);
    expect((out[1] as MalformedLine).error.code).toBe('MALFORMED_JSON');
    expect(out[2]).toEqual({ b: 2 });
  });
  it('rejects a body with no line at all', () => {
    expect(codeOf(() => parseNdjson('\n\n'))).toBe('EMPTY_BODY');
  });
});
