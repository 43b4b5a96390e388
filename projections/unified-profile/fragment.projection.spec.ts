import { InvalidAttributeKeyError } from './attribute-path';
import { mergeFragments } from './attribute-merge.projection';
import { applyRecordToFragment, toProfileRecord, type Fragment, type ProfileRecord } from './fragment.projection';

let seq = 0;
/** A crm record about CRMID:tom at `timestamp`; logSeq grows with each call unless given. */
function record(timestamp: number, attributes: Record<string, unknown>, extra: Partial<ProfileRecord> = {}) {
  seq += 1;
  const base = { recordId: `r${seq}`, source: 'crm', primaryKey: 'CRMID:tom', timestamp, logSeq: seq, attributes };
  return { ...base, ...extra } as ProfileRecord;
}

function fold(records: ProfileRecord[], start?: Fragment): Fragment {
  return records.reduce<Fragment | undefined>(applyRecordToFragment, start) as Fragment;
}

/** given these records (in arrival order), when these arrive, then the fragment shows these attributes. */
function given(...earlier: ProfileRecord[]) {
  return {
    when: (...later: ProfileRecord[]) => ({
      then: (attributes: Record<string, unknown>) =>
        expect(mergeFragments([fold([...earlier, ...later])]).attributes).toEqual(attributes),
    }),
  };
}

describe('applyRecordToFragment', () => {
  it('merges objects deeply: a newer record changes only the leaves it holds', () => {
    given(record(1, { name: 'Tom', address: { city: 'Oslo', zip: '0150' } }))
      .when(record(2, { address: { city: 'Bergen' } }))
      .then({ name: 'Tom', address: { city: 'Bergen', zip: '0150' } });
  });

  it('never lets a late-arriving older record overwrite a newer value', () => {
    given(record(20, { tier: 'gold' }))
      .when(record(10, { tier: 'silver', email: 'tom@acme.com' }))
      .then({ tier: 'gold', email: 'tom@acme.com' });
  });

  it('deletes a leaf on null, and an older value arriving later does not bring it back', () => {
    given(record(10, { phone: '111', name: 'Tom' }), record(30, { phone: null }))
      .when(record(20, { phone: '222' }))
      .then({ name: 'Tom' });
  });

  it('takes a value written after the deletion', () => {
    given(record(10, { phone: '111' }), record(30, { phone: null }))
      .when(record(40, { phone: '333' }))
      .then({ phone: '333' });
  });

  it('replaces arrays whole, and keeps objects inside arrays as they are', () => {
    given(record(1, { tags: ['a', 'b', 'c'], orders: [{ id: 1, sku: 'x' }] }))
      .when(record(2, { tags: ['d'], orders: [{ id: 2 }] }))
      .then({ tags: ['d'], orders: [{ id: 2 }] });
  });

  it('breaks a timestamp tie by log order: the later in the log wins, whatever arrives first', () => {
    given(record(5, { tier: 'gold' }, { logSeq: 900 }))
      .when(record(5, { tier: 'silver' }, { logSeq: 100 }))
      .then({ tier: 'gold' });
    given(record(5, { tier: 'silver' }, { logSeq: 100 }))
      .when(record(5, { tier: 'gold' }, { logSeq: 900 }))
      .then({ tier: 'gold' });
  });

  it('lets a newer scalar replace an older object, and keeps older leaves under it out', () => {
    given(record(10, { address: { city: 'Oslo', zip: '0150' } }), record(20, { address: 'withheld' }))
      .when(record(15, { address: { street: 'Storgata 1' } }))
      .then({ address: 'withheld' });
  });

  it('lets a newer leaf under an older scalar turn it into an object', () => {
    given(record(10, { address: 'withheld' }))
      .when(record(20, { address: { city: 'Oslo' } }))
      .then({ address: { city: 'Oslo' } });
  });

  it('keeps out an old sibling of a newer leaf when a scalar between them replaced the object', () => {
    // In time order: address.zip (5), then address = 'withheld' (10) drops it, then address.city (20).
    given(record(10, { address: 'withheld' }), record(20, { address: { city: 'Oslo' } }))
      .when(record(5, { address: { zip: '0150' } }))
      .then({ address: { city: 'Oslo' } });
  });

  it('deletes an older scalar when a newer record deletes a leaf under it', () => {
    given(record(10, { address: 'withheld', name: 'Tom' }))
      .when(record(20, { address: { city: null } }))
      .then({ name: 'Tom' });
  });

  it('treats an empty object as holding no leaf: it writes nothing', () => {
    given(record(10, { address: 'withheld' }))
      .when(record(20, { address: {}, prefs: {} }))
      .then({ address: 'withheld' });
  });

  it('is idempotent: the same record again leaves the same leaves', () => {
    const first = record(10, { a: 1, b: { c: [1] } });
    const second = record(20, { b: null });
    const once = fold([first, second]);
    expect(fold([first, second], once).leaves).toEqual(once.leaves);
  });

  it('does not change the fragment it is given', () => {
    const before = fold([record(10, { a: { b: 1 }, c: 2 })]);
    const snapshot = JSON.parse(JSON.stringify(before));
    applyRecordToFragment(before, record(20, { a: 'x', c: null, d: 3 }));
    expect(before).toEqual(snapshot);
  });

  it('yields a plain JSON document, sorted by path, that folds on after a storage round trip', () => {
    const fragment = fold([record(10, { b: { y: 1, x: [2] }, a: 'z', 'b-c': true }), record(20, { b: null })]);
    const stored = JSON.parse(JSON.stringify(fragment)) as Fragment;
    expect(stored).toEqual(fragment);
    expect(JSON.stringify(fragment)).not.toMatch(/"\$/);
    const paths = fragment.leaves.map((leaf) => leaf.path);
    expect(paths).toEqual([...paths].sort());
    const next = applyRecordToFragment(stored, record(15, { b: { x: 'late' }, c: 1 }));
    expect(mergeFragments([next]).attributes).toEqual({ a: 'z', 'b-c': true, c: 1 });
  });

  it('keeps first and last record times and the highest logSeq, whatever the arrival order', () => {
    const fragment = fold([
      record(20, {}, { logSeq: 7 }),
      record(10, { a: 1 }, { logSeq: 9 }),
      record(30, {}, { logSeq: 8 }),
    ]);
    expect(fragment).toMatchObject({ firstRecordAt: 10, lastRecordAt: 30, lastLogSeq: 9 });
  });

  it('refuses a record of another source or primary identity', () => {
    const fragment = fold([record(10, { a: 1 })]);
    expect(() => applyRecordToFragment(fragment, record(20, { a: 2 }, { source: 'web' }))).toThrow();
    expect(() => applyRecordToFragment(fragment, record(20, { a: 2 }, { primaryKey: 'Email:t@a.io' }))).toThrow();
  });

  it("refuses an attribute key holding '.', which ingestion rejects before it reaches the log", () => {
    const attributes = { ok: { 'a.b': 1 } };
    expect(() => applyRecordToFragment(undefined, record(1, attributes))).toThrow(InvalidAttributeKeyError);
  });

  it("keeps a '__proto__' key as data, never as a prototype", () => {
    const attributes = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"name": "x"}}');
    const merged = mergeFragments([fold([record(1, attributes)])]);
    expect(Object.keys(merged.attributes)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(merged.attributes)).toBe('{"__proto__":{"polluted":true},"constructor":{"name":"x"}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged.provenance)).toEqual(['__proto__.polluted', 'constructor.name']);
  });
});

describe('toProfileRecord', () => {
  it('reads a logged record: item id, primary identity key, epoch ms from the zoned timestamp', () => {
    const data = {
      itemId: 'crm-42',
      source: 'crm',
      timestamp: '2026-03-01T13:00:00.250+01:00',
      identities: [{ namespace: 'CRMID', id: 'tom' }],
      primary: { namespace: 'CRMID', id: 'tom' },
      attributes: { tier: 'gold' },
    };
    expect(toProfileRecord(data, 17)).toEqual({
      recordId: 'crm-42',
      source: 'crm',
      primaryKey: 'CRMID:tom',
      timestamp: Date.UTC(2026, 2, 1, 12, 0, 0, 250),
      logSeq: 17,
      attributes: { tier: 'gold' },
    });
  });
});
