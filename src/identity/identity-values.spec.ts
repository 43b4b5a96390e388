import { isBlockedValue, normaliseIdentityValue } from './identity-values';
import { subjectStream } from './subject-stream';

describe('normaliseIdentityValue', () => {
  it('trims every value and lower-cases only email-type values', () => {
    expect(normaliseIdentityValue('email', '  Tom@ACME.com ')).toBe('tom@acme.com');
    expect(normaliseIdentityValue('person', '  Tom ')).toBe('Tom');
    expect(normaliseIdentityValue('phone', ' +1 555 ')).toBe('+1 555');
  });
});

describe('isBlockedValue', () => {
  it.each(['', '  ', 'null', 'NULL', 'Undefined', 'anonymous', 'INVALID', 'unknown', '0', '-1', ' 0 '])(
    'blocks %j',
    (value) => expect(isBlockedValue(value)).toBe(true),
  );
  it.each(['00', '1', 'nullable', 'tom@acme.com', '-10'])('keeps %j', (value) => expect(isBlockedValue(value)).toBe(false));
});

describe('subjectStream', () => {
  it('names a stream by a keyed hash that never holds the raw value', () => {
    const stream = subjectStream('k'.repeat(32), { namespace: 'Email', id: 'tom@acme.com' });
    expect(stream).toMatch(/^subject-[0-9a-f]{64}$/);
    expect(stream).not.toContain('tom');
  });
  it('depends on the key and on the identity', () => {
    const id = { namespace: 'Email', id: 'tom@acme.com' };
    expect(subjectStream('a'.repeat(32), id)).not.toBe(subjectStream('b'.repeat(32), id));
    expect(subjectStream('a'.repeat(32), id)).not.toBe(subjectStream('a'.repeat(32), { ...id, namespace: 'Other' }));
  });
});
