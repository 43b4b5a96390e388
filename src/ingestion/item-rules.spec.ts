import { DEFAULT_SETTINGS, IdentitySettings } from '../../projections/model';
import { IdentityInput, ItemKind, parseItemTimestamp, resolveIdentities } from './item-rules';

const rejects = (kind: ItemKind, inputs: IdentityInput[], settings: IdentitySettings = DEFAULT_SETTINGS): string => {
  try {
    resolveIdentities(kind, inputs, settings);
  } catch (error) {
    expect(error).toMatchObject({ status: 422 });
    return (error as { code: string }).code;
  }
  throw new Error('expected a rejection');
};

describe('resolveIdentities', () => {
  it('trims values, lower-cases email-type values only, and removes repeats', () => {
    const out = resolveIdentities('event', [
      { namespace: 'Email', id: ' Tom@ACME.com ' },
      { namespace: 'ECID', id: ' AbC ' },
      { namespace: 'Email', id: 'tom@acme.com' },
    ], DEFAULT_SETTINGS);
    expect(out.identities).toEqual([{ namespace: 'Email', id: 'tom@acme.com' }, { namespace: 'ECID', id: 'AbC' }]);
    expect(out.warnings).toEqual([]);
  });

  it('drops blocked values with a warning that names no value', () => {
    const out = resolveIdentities('record', [{ namespace: 'Email', id: 'NULL' }, { namespace: 'ECID', id: '111' }], DEFAULT_SETTINGS);
    expect(out.identities).toEqual([{ namespace: 'ECID', id: '111' }]);
    expect(out.warnings).toEqual([{ path: 'identities[0]', code: 'BLOCKED_VALUE_DROPPED', message: expect.any(String) }]);
  });

  it('events and links take the highest-priority namespace as primary', () => {
    const inputs = [{ namespace: 'ECID', id: '1' }, { namespace: 'Email', id: 'a@b.c', primary: true }, { namespace: 'CRMID', id: 'X' }];
    expect(resolveIdentities('event', inputs, DEFAULT_SETTINGS).primary).toEqual({ namespace: 'CRMID', id: 'X' });
    expect(resolveIdentities('link', inputs, DEFAULT_SETTINGS).primary).toEqual({ namespace: 'CRMID', id: 'X' });
  });

  it('records take the identity marked primary, else the highest-priority one', () => {
    const inputs = [{ namespace: 'ECID', id: '1' }, { namespace: 'Email', id: 'a@b.c', primary: true }, { namespace: 'CRMID', id: 'X' }];
    expect(resolveIdentities('record', inputs, DEFAULT_SETTINGS).primary).toEqual({ namespace: 'Email', id: 'a@b.c' });
    expect(resolveIdentities('record', inputs.map(({ namespace, id }) => ({ namespace, id })), DEFAULT_SETTINGS).primary)
      .toEqual({ namespace: 'CRMID', id: 'X' });
  });

  it.each<[string, ItemKind, IdentityInput[]]>([
    ['NO_IDENTITY', 'event', [{ namespace: 'Email', id: ' ' }, { namespace: 'ECID', id: 'unknown' }]],
    ['UNKNOWN_NAMESPACE', 'event', [{ namespace: 'email', id: 'a@b.c' }]],
    ['IDENTITY_VALUE_TOO_LONG', 'event', [{ namespace: 'ECID', id: 'x'.repeat(1025) }]],
    ['TOO_MANY_IDENTITIES', 'event', Array.from({ length: 21 }, (_, i) => ({ namespace: 'ECID', id: `c${i}` }))],
    ['UNIQUE_NAMESPACE_CONFLICT', 'record', [{ namespace: 'CRMID', id: 'A' }, { namespace: 'CRMID', id: 'B' }]],
    ['LINK_NEEDS_TWO_IDENTITIES', 'link', [{ namespace: 'CRMID', id: 'A' }, { namespace: 'CRMID', id: ' A ' }]],
    ['MULTIPLE_PRIMARY_IDENTITIES', 'record', [{ namespace: 'ECID', id: '1', primary: true }, { namespace: 'ECID', id: '2', primary: true }]],
  ])('rejects with %s', (code, kind, inputs) => expect(rejects(kind, inputs)).toBe(code));

  it('accepts exactly 20 identities and values of exactly 1024 characters after trimming', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => ({ namespace: 'ECID', id: `c${i}` }));
    expect(resolveIdentities('event', twenty, DEFAULT_SETTINGS).identities).toHaveLength(20);
    expect(resolveIdentities('event', [{ namespace: 'ECID', id: ` ${'x'.repeat(1024)} ` }], DEFAULT_SETTINGS).identities).toHaveLength(1);
  });

  it('validates against the settings it is given', () => {
    const settings: IdentitySettings = { namespaces: [{ code: 'Loyalty', type: 'partner', unique: false }], graphCap: 50 };
    expect(rejects('event', [{ namespace: 'CRMID', id: 'A' }], settings)).toBe('UNKNOWN_NAMESPACE');
    expect(resolveIdentities('event', [{ namespace: 'Loyalty', id: 'L1' }], settings).primary).toEqual({ namespace: 'Loyalty', id: 'L1' });
  });
});

describe('parseItemTimestamp', () => {
  const now = new Date('2024-05-01T12:00:00.000Z');
  it.each([
    ['2024-05-01T12:00:00Z', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01T14:00:00.5+02:00', '2024-05-01T12:00:00.500Z'],
    ['2024-05-01T07:00-0500', '2024-05-01T12:00:00.000Z'],
  ])('normalises %s to UTC with milliseconds', (input, expected) => expect(parseItemTimestamp(input, true, now)).toBe(expected));

  it('defaults to now only when optional', () => {
    expect(parseItemTimestamp(undefined, false, now)).toBe('2024-05-01T12:00:00.000Z');
    expect(() => parseItemTimestamp(undefined, true, now)).toThrow(expect.objectContaining({ code: 'TIMESTAMP_REQUIRED' }));
  });

  it.each(['2024-05-01T12:00:00', '2024-05-01', '2024-02-30T00:00:00Z', '2024-05-01T24:00:00Z', 'yesterday', 1714564800000])(
    'rejects %j',
    (input) => expect(() => parseItemTimestamp(input, false, now)).toThrow(expect.objectContaining({ code: 'TIMESTAMP_INVALID' })),
  );
});
