import { isBlockedValue, normaliseIdentities, normaliseIdentityValue } from './identity-rules';

describe('identity normalisation', () => {
  it('trims every value and lower-cases only email-type values', () => {
    expect(normaliseIdentityValue('email', '  Tom@ACME.com ')).toBe('tom@acme.com');
    expect(normaliseIdentityValue('person', ' Tom ')).toBe('Tom');
    expect(normaliseIdentityValue('cookie', 'AbC')).toBe('AbC');
  });

  it.each(['', '  ', 'null', 'NULL', 'undefined', 'Anonymous', 'invalid', 'UNKNOWN', '0', ' -1 '])(
    'blocks %p',
    (value) => expect(isBlockedValue(value)).toBe(true),
  );

  it.each(['00', '1', 'nullable', 'tom'])('lets %p through', (value) => expect(isBlockedValue(value)).toBe(false));

  it('normalises an item: drops blocked values and repeats, names unknown namespaces and long values', () => {
    const namespaces = [
      { code: 'Email', type: 'email' as const, unique: false },
      { code: 'ECID', type: 'cookie' as const, unique: false },
    ];
    const result = normaliseIdentities(namespaces, [
      { namespace: 'Email', id: ' A@B.c' },
      { namespace: 'Email', id: 'a@b.c' },
      { namespace: 'ECID', id: 'unknown' },
      { namespace: 'Nope', id: 'x' },
      { namespace: 'ECID', id: 'x'.repeat(1025) },
    ]);
    expect(result.identities).toEqual([{ namespace: 'Email', id: 'a@b.c' }]);
    expect(result.blocked).toEqual([2]);
    expect(result.problems.map((p) => [p.code, p.index])).toEqual([
      ['UNKNOWN_NAMESPACE', 3],
      ['IDENTITY_VALUE_TOO_LONG', 4],
    ]);
  });
});
