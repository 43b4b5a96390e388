import { applyToSet, emptySet, rowsOfSet } from './membership-set';

const entry = (enteredAt: number) => ({ audienceId: 'vip', graphId: 'g', enteredAt, doc: { cause: { kind: 'item' } } });
const exit = (exitedAt: number) => ({ audienceId: 'vip', graphId: 'g', exitedAt, doc: { exitCause: { kind: 'item' } } });
const intervals = (set: ReturnType<typeof emptySet>) => rowsOfSet('g', set).map((r) => [r.enteredAt, r.exitedAt]);

describe('a graph’s membership set', () => {
  it('keeps an entry in the millisecond of an interval entered and left then: in, out, in at 100 ms', () => {
    const set = emptySet();
    expect(applyToSet(set, [], [entry(100)]).opened).toHaveLength(1);
    expect(applyToSet(set, [exit(100)], []).closed).toHaveLength(1);
    expect(applyToSet(set, [], [entry(100)]).opened).toEqual([{ audienceId: 'vip', enteredAt: 100 }]);
    expect(intervals(set)).toEqual([[100, 100], [100, undefined]]);
    applyToSet(set, [exit(200)], []);
    expect(intervals(set)).toEqual([[100, 100], [100, 200]]);
  });

  it('ignores re-applied writes: an entry while open, or one whose interval was left later', () => {
    const set = emptySet();
    applyToSet(set, [], [entry(100)]);
    expect(applyToSet(set, [], [entry(100)]).opened).toEqual([]);
    applyToSet(set, [exit(180)], []);
    expect(applyToSet(set, [exit(180)], [entry(100)])).toEqual({ opened: [], closed: [] });
    expect(intervals(set)).toEqual([[100, 180]]);
  });
});
