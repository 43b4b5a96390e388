import fc from 'fast-check';
import { MAX_IDENTITY_VALUE_LENGTH, simulateWithCodes } from '../../projections/identity-graph';
import { DEFAULT_SETTINGS, identityKey, type IdentityRef } from '../../projections/model';
import { AppError } from '../common/app-error';
import { resolveIdentities } from './item-rules';

/**
 * The README promises the simulator runs "the very fold the projector runs"; its input rules must be ingestion's
 * too. For one item's identities, ingestion (an event, the kind with the fewest extra rules) and the simulator
 * (the same identities as one object event) must accept the same lists, keep the same identities, and reject
 * the rest with the same code.
 */
type Verdict = { accepted: IdentityRef[] } | { code: string };

function ingestion(identities: IdentityRef[]): Verdict {
  try {
    return { accepted: resolveIdentities('event', identities, DEFAULT_SETTINGS).identities };
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 422) throw error;
    return { code: error.code };
  }
}

function simulator(identities: IdentityRef[]): Verdict {
  const events = [{ identities, timestamp: '2025-01-01T00:00:00Z' }];
  const result = simulateWithCodes({ namespaces: DEFAULT_SETTINGS.namespaces, graphCap: DEFAULT_SETTINGS.graphCap, events });
  if (result.rejected.length > 0) return { code: result.rejected[0].code };
  // A lone identity forms no graph; the simulator then keeps it as the item's only identity.
  const kept = result.graphs[0]?.identities ?? [];
  return { accepted: kept };
}

/** Ingestion keeps the item's order; the simulator lists a graph by priority: compare as sets of keys. */
function comparable(verdict: Verdict): { code: string } | { accepted: string[] } {
  return 'code' in verdict ? verdict : { accepted: verdict.accepted.map(identityKey).sort() };
}

function expectSameVerdict(identities: IdentityRef[]): void {
  const fromIngestion = comparable(ingestion(identities));
  const fromSimulator = comparable(simulator(identities));
  if ('accepted' in fromIngestion && 'accepted' in fromSimulator && fromIngestion.accepted.length === 1) {
    expect(fromSimulator.accepted).toEqual([]);
  } else {
    expect(fromSimulator).toEqual(fromIngestion);
  }
}

const long = 'x'.repeat(MAX_IDENTITY_VALUE_LENGTH);
const cases: [string, IdentityRef[]][] = [
  ['two identities, normalised', [{ namespace: 'Email', id: ' Tom@ACME.com ' }, { namespace: 'ECID', id: ' 1 ' }]],
  ['repeats collapse', [{ namespace: 'Email', id: 'a@b.c' }, { namespace: 'Email', id: 'A@B.C' }, { namespace: 'ECID', id: '1' }]],
  ['blocked values dropped', [{ namespace: 'ECID', id: ' NULL ' }, { namespace: 'Email', id: 'a@b.c' }, { namespace: 'Phone', id: '1' }]],
  ['nothing left', [{ namespace: 'ECID', id: 'unknown' }, { namespace: 'Email', id: '  ' }]],
  ['no identities', []],
  ['unregistered namespace', [{ namespace: 'email', id: 'a@b.c' }, { namespace: 'ECID', id: '1' }]],
  ['value at the limit after trimming', [{ namespace: 'ECID', id: ` ${long} ` }, { namespace: 'Email', id: 'a@b.c' }]],
  ['value over the limit', [{ namespace: 'ECID', id: `${long}x` }, { namespace: 'Email', id: 'a@b.c' }]],
  ['too many identities', Array.from({ length: 21 }, (_, i) => ({ namespace: 'ECID', id: `c${i}` }))],
  ['exactly twenty', Array.from({ length: 20 }, (_, i) => ({ namespace: 'ECID', id: `c${i}` }))],
  ['two values of a unique namespace', [{ namespace: 'CRMID', id: 'A' }, { namespace: 'CRMID', id: 'B' }]],
  ['first problem decides the code', [{ namespace: 'ECID', id: `${long}x` }, { namespace: 'Nope', id: '1' }]],
];

describe('identity rules: ingestion and the simulator agree', () => {
  it.each(cases)('%s', (_name, identities) => expectSameVerdict(identities));

  it('rejects the cases that break a rule with the same code on both sides', () => {
    const codes = cases.map(([, identities]) => comparable(ingestion(identities))).filter((v) => 'code' in v);
    expect(codes.map((v) => (v as { code: string }).code).sort()).toEqual([
      'IDENTITY_VALUE_TOO_LONG',
      'IDENTITY_VALUE_TOO_LONG',
      'NO_IDENTITY',
      'NO_IDENTITY',
      'TOO_MANY_IDENTITIES',
      'UNIQUE_NAMESPACE_CONFLICT',
      'UNKNOWN_NAMESPACE',
    ]);
  });

  it('agrees on arbitrary identity lists, hostile values included', () => {
    const namespace = fc.constantFrom('CRMID', 'Email', 'ECID', 'Phone', 'email', 'Fax', '');
    const value = fc.oneof(
      fc.constantFrom('', ' ', 'null', ' Null ', 'UNDEFINED', 'anonymous', '0', '-1', ' -1', '00', 'Tom@ACME.com', 'tom@acme.com'),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.integer({ min: MAX_IDENTITY_VALUE_LENGTH - 2, max: MAX_IDENTITY_VALUE_LENGTH + 2 }).map((n) => ' '.repeat(n % 2) + 'v'.repeat(n)),
    );
    const identities = fc.array(fc.record({ namespace, id: value }), { maxLength: 23 });
    fc.assert(fc.property(identities, (list) => expectSameVerdict(list)), { numRuns: 500 });
  });
});
