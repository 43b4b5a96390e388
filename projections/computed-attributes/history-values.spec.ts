import { compileAll, T0 } from './engine.fixture';
import { computedHistory, type HistoryLogEntry } from './history-values';

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
});
