import fc from 'fast-check';
import { mergeFragments } from './attribute-merge.projection';
import { applyRecordToFragment, type Fragment, type ProfileRecord } from './fragment.projection';

/**
 * The timestampOrdered fold is order-independent: whatever order records arrive in, the result is the one of
 * applying them as a deep merge from the oldest (timestamp, logSeq) to the newest, and merging per-fragment folds
 * gives the same as folding every record into one fragment.
 */
type Doc = Record<string, unknown>;

const isObject = (value: unknown): value is Doc =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// Few keys, few timestamps: paths collide, scalars meet objects and timestamps tie, so every rule is exercised.
// 'a-' sorts between 'a' and 'a.…', the one place where the sorted leaf set cannot find descendants next door.
const leafArb = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.constant(null),
  fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
);
const { doc: attributesArb } = fc.letrec<{ doc: Doc }>((tie) => ({
  // No empty objects: they write nothing (a spec of its own), while a plain deep merge would create them.
  doc: fc.dictionary(fc.constantFrom('a', 'a-', 'b'), fc.oneof({ maxDepth: 3 }, leafArb, tie('doc')), {
    minKeys: 1,
    maxKeys: 3,
  }),
}));

const recordsArb = fc
  .array(
    fc.record({
      timestamp: fc.integer({ min: 0, max: 4 }),
      source: fc.constantFrom('crm', 'web'),
      primaryKey: fc.constantFrom('CRMID:1', 'ECID:1'),
      attributes: attributesArb,
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((items): ProfileRecord[] => items.map((item, i) => ({ ...item, recordId: `r${i}`, logSeq: i + 1 })));

/** The records, and an arrival order of them in which some arrive more than once (a redelivery). */
const arrivalsArb = recordsArb.chain((records) =>
  fc.subarray(records).chain((repeats) => {
    const all = [...records, ...repeats];
    return fc.tuple(fc.constant(records), fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }));
  }),
);

function deepMerge(target: Doc, patch: Doc): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (isObject(value)) {
      if (!isObject(target[key])) target[key] = {};
      deepMerge(target[key] as Doc, value);
    } else target[key] = value;
  }
}

function withoutEmptyObjects(doc: Doc): Doc {
  const kept: Doc = {};
  for (const [key, value] of Object.entries(doc)) {
    const pruned = isObject(value) ? withoutEmptyObjects(value) : value;
    if (!isObject(pruned) || Object.keys(pruned).length > 0) kept[key] = pruned;
  }
  return kept;
}

/** The reference: a plain deep merge, oldest (timestamp, logSeq) first. */
function referenceMerge(records: readonly ProfileRecord[]): Doc {
  const sorted = [...records].sort((x, y) => x.timestamp - y.timestamp || x.logSeq - y.logSeq);
  const doc: Doc = {};
  for (const record of sorted) deepMerge(doc, record.attributes);
  return withoutEmptyObjects(doc);
}

const asOneFragment = (records: readonly ProfileRecord[]): ProfileRecord[] =>
  records.map((record) => ({ ...record, source: 'one', primaryKey: 'one' }));

function fold(records: readonly ProfileRecord[]): Fragment {
  return records.reduce<Fragment | undefined>(applyRecordToFragment, undefined) as Fragment;
}

function foldPerFragment(records: readonly ProfileRecord[]): Fragment[] {
  const groups = new Map<string, ProfileRecord[]>();
  for (const record of records) {
    const key = `${record.source}|${record.primaryKey}`;
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  return [...groups.values()].map(fold);
}

describe('timestampOrdered, whatever the arrival order', () => {
  it('folds to the same fragment as the records sorted by (timestamp, logSeq), and to the reference merge', () => {
    // Arrivals include repeats: a record applied again changes nothing.
    fc.assert(
      fc.property(arrivalsArb, ([records, arrivals]) => {
        const sorted = [...records].sort((x, y) => x.timestamp - y.timestamp || x.logSeq - y.logSeq);
        const arrived = fold(asOneFragment(arrivals));
        expect(arrived.leaves).toEqual(fold(asOneFragment(sorted)).leaves);
        expect(mergeFragments([arrived]).attributes).toEqual(referenceMerge(records));
      }),
      { numRuns: 500 },
    );
  });

  it('merges per-source, per-identity fragments to what one fragment of every record gives', () => {
    fc.assert(
      fc.property(arrivalsArb, ([records, arrivals]) => {
        const sourceOf = new Map(records.map((record) => [record.recordId, record.source]));
        const merged = mergeFragments(foldPerFragment(arrivals), { type: 'timestampOrdered' });
        const single = mergeFragments([fold(asOneFragment(records))]);
        expect(merged.attributes).toEqual(single.attributes);
        expect(merged.attributes).toEqual(referenceMerge(records));
        const expected = Object.entries(single.provenance).map(([path, p]) => [
          path,
          { ...p, source: sourceOf.get(p.recordId) },
        ]);
        expect(merged.provenance).toEqual(Object.fromEntries(expected));
        expect(merged.sources).toEqual([...new Set(records.map((record) => record.source))].sort());
      }),
      { numRuns: 500 },
    );
  });

  it('gives, for sourcePrecedence with one listed source, that source’s timestampOrdered merge', () => {
    fc.assert(
      fc.property(arrivalsArb, ([, arrivals]) => {
        const fragments = foldPerFragment(arrivals);
        const crmOnly = fragments.filter((fragment) => fragment.source === 'crm');
        expect(mergeFragments(fragments, { type: 'sourcePrecedence', order: ['crm'] })).toEqual(
          mergeFragments(crmOnly, { type: 'timestampOrdered' }),
        );
      }),
    );
  });
});
