import { mergeFragments, stitchFragments } from './attribute-merge.projection';
import { applyRecordToFragment, type Fragment } from './fragment.projection';
import type { AttributeMerge } from './merge-policy';

const T0 = Date.UTC(2026, 0, 1);
const at = (minutes: number): number => T0 + minutes * 60_000;
const isoAt = (minutes: number): string => new Date(at(minutes)).toISOString();

let seq = 0;
interface Says {
  id: string;
  minute: number;
  attributes: Record<string, unknown>;
  logSeq?: number;
}
/** Record `id`, observed at `minute`, says `attributes`. */
const says = (id: string, minute: number, attributes: Record<string, unknown>, logSeq?: number): Says => ({
  id,
  minute,
  attributes,
  logSeq,
});

/** The fragment of `source` about `primaryKey`, folded from records in the order given. */
function fragment(source: string, primaryKey: string, ...records: Says[]): Fragment {
  return records.reduce<Fragment | undefined>((current, says) => {
    seq += 1;
    return applyRecordToFragment(current, {
      recordId: says.id,
      source,
      primaryKey,
      timestamp: at(says.minute),
      logSeq: says.logSeq ?? seq,
      attributes: says.attributes,
    });
  }, undefined) as Fragment;
}

const TIMESTAMP: AttributeMerge = { type: 'timestampOrdered' };
const precedence = (...order: string[]): AttributeMerge => ({ type: 'sourcePrecedence', order });

describe('mergeFragments', () => {
  describe('given two sources that disagree', () => {
    const crm = fragment('crm', 'CRMID:tom', says('c1', 10, { email: 'tom@crm.io', name: 'Tom' }));
    const web = fragment('web', 'ECID:111', says('w1', 20, { email: 'tom@web.io', city: 'Oslo' }));

    it('timestampOrdered takes the newer value, with its provenance per leaf', () => {
      expect(mergeFragments([crm, web], TIMESTAMP)).toEqual({
        attributes: { email: 'tom@web.io', name: 'Tom', city: 'Oslo' },
        provenance: {
          email: { source: 'web', timestamp: isoAt(20), recordId: 'w1' },
          name: { source: 'crm', timestamp: isoAt(10), recordId: 'c1' },
          city: { source: 'web', timestamp: isoAt(20), recordId: 'w1' },
        },
        sources: ['crm', 'web'],
      });
    });

    it('sourcePrecedence takes the preferred source per leaf, and the others where it has nothing', () => {
      expect(mergeFragments([web, crm], precedence('crm', 'web'))).toEqual({
        attributes: { email: 'tom@crm.io', name: 'Tom', city: 'Oslo' },
        provenance: {
          email: { source: 'crm', timestamp: isoAt(10), recordId: 'c1' },
          name: { source: 'crm', timestamp: isoAt(10), recordId: 'c1' },
          city: { source: 'web', timestamp: isoAt(20), recordId: 'w1' },
        },
        sources: ['crm', 'web'],
      });
    });

    it('sourcePrecedence leaves unlisted sources out entirely', () => {
      expect(mergeFragments([crm, web], precedence('web'))).toEqual({
        attributes: { email: 'tom@web.io', city: 'Oslo' },
        provenance: {
          email: { source: 'web', timestamp: isoAt(20), recordId: 'w1' },
          city: { source: 'web', timestamp: isoAt(20), recordId: 'w1' },
        },
        sources: ['web'],
      });
      expect(mergeFragments([crm, web], precedence('pos'))).toEqual({ attributes: {}, provenance: {}, sources: [] });
    });
  });

  it('timestampOrdered breaks a timestamp tie across sources by log order', () => {
    const crm = fragment('crm', 'CRMID:tom', says('c1', 5, { tier: 'gold' }, 40));
    const web = fragment('web', 'ECID:111', says('w1', 5, { tier: 'silver' }, 30));
    expect(mergeFragments([crm, web], TIMESTAMP).attributes).toEqual({ tier: 'gold' });
    expect(mergeFragments([web, crm], TIMESTAMP).attributes).toEqual({ tier: 'gold' });
  });

  it('timestampOrdered lets a newer deletion in one fragment remove an older value of another', () => {
    const crm = fragment('crm', 'CRMID:tom', says('c1', 10, { phone: '111', name: 'Tom' }));
    const web = fragment(
      'web',
      'ECID:111',
      says('w1', 5, { phone: '222' }),
      says('w2', 20, { phone: null }),
    );
    expect(mergeFragments([crm, web], TIMESTAMP).attributes).toEqual({ name: 'Tom' });
  });

  it('timestampOrdered across fragments matches one fold, even where a superseded write still counts', () => {
    // One source replaced address by a scalar (10) and then wrote a leaf under it (30); another wrote an older
    // sibling (5), which the scalar at 10 had already dropped.
    const crm = fragment(
      'crm',
      'CRMID:tom',
      says('c1', 10, { address: 'withheld' }),
      says('c2', 30, { address: { city: 'Oslo' } }),
    );
    const web = fragment('web', 'ECID:111', says('w1', 5, { address: { zip: '0150' } }));
    expect(mergeFragments([web, crm], TIMESTAMP).attributes).toEqual({ address: { city: 'Oslo' } });
  });

  it('sourcePrecedence falls through to the next source where the preferred one deleted the leaf', () => {
    const crm = fragment(
      'crm',
      'CRMID:tom',
      says('c1', 1, { phone: '111' }),
      says('c2', 2, { phone: null }),
    );
    const web = fragment('web', 'ECID:111', says('w1', 0, { phone: '222' }));
    expect(mergeFragments([crm, web], precedence('crm', 'web')).attributes).toEqual({ phone: '222' });
  });

  it('sourcePrecedence keeps a less preferred value out where a preferred source holds a related path', () => {
    const loyalty = fragment('loyalty', 'CRMID:tom', says('l1', 1, { address: { city: 'Oslo' } }));
    const crm = fragment('crm', 'CRMID:tom', says('c1', 9, { address: 'withheld', tier: 'gold' }));
    const web = fragment('web', 'ECID:1', says('w1', 9, { address: { zip: '0150' }, tier: 'x' }));
    const merged = mergeFragments([web, crm, loyalty], precedence('loyalty', 'crm', 'web'));
    expect(merged.attributes).toEqual({ address: { city: 'Oslo', zip: '0150' }, tier: 'gold' });
    expect(mergeFragments([web, crm, loyalty], precedence('crm', 'loyalty', 'web')).attributes).toEqual({
      address: 'withheld',
      tier: 'gold',
    });
  });

  it('sourcePrecedence merges one source’s fragments of several identities by timestamp', () => {
    const byCrmId = fragment('crm', 'CRMID:tom', says('c1', 10, { tier: 'gold', name: 'Tom' }));
    const byEmail = fragment('crm', 'Email:t@a.io', says('c2', 20, { tier: 'platinum' }));
    const merged = mergeFragments([byEmail, byCrmId], precedence('crm'));
    expect(merged.attributes).toEqual({ tier: 'platinum', name: 'Tom' });
    expect(merged.provenance.tier).toEqual({ source: 'crm', timestamp: isoAt(20), recordId: 'c2' });
    expect(merged.sources).toEqual(['crm']);
  });

  it('gives provenance for nested leaves by dotted path, and merges nested objects of two sources', () => {
    const crm = fragment('crm', 'CRMID:tom', says('c1', 1, { address: { city: 'Oslo', zip: '0150' } }));
    const web = fragment('web', 'ECID:1', says('w1', 2, { address: { zip: '0151', tags: ['a'] } }));
    const merged = mergeFragments([crm, web]);
    expect(merged.attributes).toEqual({ address: { city: 'Oslo', zip: '0151', tags: ['a'] } });
    expect(merged.provenance).toEqual({
      'address.city': { source: 'crm', timestamp: isoAt(1), recordId: 'c1' },
      'address.tags': { source: 'web', timestamp: isoAt(2), recordId: 'w1' },
      'address.zip': { source: 'web', timestamp: isoAt(2), recordId: 'w1' },
    });
  });

  it('merges nothing into an empty profile', () => {
    expect(mergeFragments([])).toEqual({ attributes: {}, provenance: {}, sources: [] });
  });
});

describe('stitchFragments', () => {
  const byCrmId = fragment('crm', 'CRMID:tom', says('c1', 1, { a: 1 }));
  const byCookie = fragment('web', 'ECID:111', says('w1', 2, { b: 2 }));

  it('takes every fragment of the graph for graph stitching', () => {
    expect(stitchFragments([byCrmId, byCookie], 'graph', 'ECID:111')).toEqual([byCrmId, byCookie]);
  });

  it('takes only the looked-up identity’s own fragments without stitching', () => {
    expect(stitchFragments([byCrmId, byCookie], 'none', 'ECID:111')).toEqual([byCookie]);
  });
});
