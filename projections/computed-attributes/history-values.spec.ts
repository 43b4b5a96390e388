import { compileAll, SECOND, T0 } from './engine.fixture';
import { computedHistory, computedTimeline, type HistoryLogEntry } from './history-values';

const spend = compileAll({ spend: { function: 'sum', field: 'total' } });
const ev = (at: number, primaryKey: string, total: number, seq: number): HistoryLogEntry =>
  ({ at, event: { primaryKey, event: { type: 'purchase', timestamp: at, position: String(seq), data: { total } } } });

describe('computed values in history', () => {
  const entries: HistoryLogEntry[] = [ev(T0, 'a', 10, 1), ev(T0 + 1, 'b', 5, 2), { at: T0 + 2 }, { at: T0 + 3 }];

  it('names the change of each step: an event, a merge, a split; a step that changes nothing has none', () => {
    const steps = [
      { index: 0, joined: ['a'], left: [] },
      { index: 2, joined: ['b'], left: [] },
      { index: 3, joined: [], left: ['b'] },
    ];
    expect([...computedHistory(entries, steps, () => spend)]).toEqual([
      [0, [{ name: 'spend', before: 0, after: 10 }]],
      [2, [{ name: 'spend', before: 10, after: 15 }]],
      [3, [{ name: 'spend', before: 15, after: 10 }]],
    ]);
  });

  it('a definition that did not exist yet shows nothing; once defined, it counts the events before it', () => {
    const definedLater = (at: number) => (at >= T0 + 2 ? spend : []);
    const steps = [{ index: 0, joined: ['a'], left: [] }, { index: 2, joined: ['b'], left: [] }];
    expect([...computedHistory(entries, steps, definedLater)]).toEqual([[2, [{ name: 'spend', before: 10, after: 15 }]]]);
  });

  describe('lapses between steps (no log entry)', () => {
    const recent = compileAll({ recent: { function: 'count', window: { last: '10s' } } });
    // Two events at T0 and T0+4s (log times equal to their timestamps), then a record at T0+20s.
    const log: HistoryLogEntry[] = [ev(T0, 'a', 1, 1), ev(T0 + 4 * SECOND, 'a', 1, 2), { at: T0 + 20 * SECOND }];
    const steps = [{ index: 0, joined: ['a'], left: [] }, { index: 1, joined: [], left: [] }, { index: 2, joined: [], left: [] }];

    it('finds each moment a value leaves its window, exactly, before the step that follows and up to until', () => {
      const { lapses } = computedTimeline(log, steps, () => recent, { until: T0 + 60 * SECOND });
      expect(lapses.map((l) => [l.afterIndex, l.at - T0, l.before.recent, l.after.recent])).toEqual([
        [1, 10 * SECOND, 2, 1],
        [1, 14 * SECOND, 1, 0],
      ]);
    });

    it('after the last step, stops at until (the moment read); what it finds is the same on every reading', () => {
      const read = (until: number) => computedTimeline(log.slice(0, 2), steps.slice(0, 2), () => recent, { until }).lapses;
      expect(read(T0 + 12 * SECOND).map((l) => l.at - T0)).toEqual([10 * SECOND]);
      expect(read(T0 + 14 * SECOND).map((l) => l.at - T0)).toEqual([10 * SECOND, 14 * SECOND]);
      expect(read(T0 + 12 * SECOND)).toEqual(read(T0 + 12 * SECOND));
    });

    it('a definition saved between steps is walked from its moment: lapses before it do not exist', () => {
      const later = (at: number) => (at > T0 + 12 * SECOND ? recent : []);
      const { lapses } = computedTimeline(log, steps, later, { until: T0 + 60 * SECOND, definitionTimes: [T0 + 12 * SECOND] });
      expect(lapses.map((l) => [l.at - T0, l.before.recent, l.after.recent])).toEqual([[14 * SECOND, 1, 0]]);
    });
  });
});
