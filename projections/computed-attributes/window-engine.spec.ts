import { compileAll, DAY, EngineDriver, SECOND, T0, type GivenEvent } from './engine.fixture';
import type { ComputedAttributeSpec } from './definition';
import { changesBy } from './graph-values';

const buy = (primary: string, at: number, data: Record<string, unknown>): GivenEvent => ({ primary, type: 'purchase', at, data });
const view = (primary: string, at: number): GivenEvent => ({ primary, type: 'pageView', at });

/** given(definitions).events(at now, ...).then(values at now, for a graph of primaries). */
function given(specs: Record<string, ComputedAttributeSpec>) {
  return new EngineDriver(compileAll(specs));
}

describe('window engine: functions', () => {
  const purchases = [
    buy('a', T0 + 1 * SECOND, { total: 10, sku: 'x', coupon: 'SPRING' }),
    buy('a', T0 + 2 * SECOND, { total: 25.5, sku: 'y' }),
    buy('a', T0 + 3 * SECOND, { total: 4.5, sku: 'x' }),
    buy('a', T0 + 4 * SECOND, { total: 'n/a', sku: 'z' }),
    view('a', T0 + 5 * SECOND),
  ];
  const now = T0 + 10 * SECOND;

  it.each<[string, ComputedAttributeSpec, unknown]>([
    ['count of a type', { function: 'count', eventType: 'purchase' }, 4],
    ['count of every event', { function: 'count' }, 5],
    ['count where', { function: 'count', eventType: 'purchase', where: { field: 'sku', op: 'eq', value: 'x' } }, 2],
    ['count of events holding a field', { function: 'count', field: 'coupon' }, 1],
    ['sum of numbers (a string total does not count)', { function: 'sum', field: 'total' }, 40],
    ['avg', { function: 'avg', field: 'total' }, 40 / 3],
    ['min', { function: 'min', field: 'total' }, 4.5],
    ['max', { function: 'max', field: 'total' }, 'n/a'],
    ['first by event timestamp', { function: 'first', field: 'sku' }, 'x'],
    ['last by event timestamp', { function: 'last', field: 'sku' }, 'z'],
    ['distinctCount', { function: 'distinctCount', field: 'sku' }, 3],
    ['mostFrequent', { function: 'mostFrequent', field: 'sku' }, 'x'],
    ['list: distinct, most recent first', { function: 'list', field: 'sku' }, ['z', 'x', 'y']],
  ])('%s', (_label, spec, expected) => {
    expect(given({ v: spec }).arrive(now, ...purchases).valuesAt(now, ['a'])).toEqual({ v: expected });
  });

  it('zero values without events: 0 for count, distinctCount and sum, [] for list, null for the rest', () => {
    const specs: Record<string, ComputedAttributeSpec> = {
      count: { function: 'count' }, sum: { function: 'sum', field: 'f' }, avg: { function: 'avg', field: 'f' },
      min: { function: 'min', field: 'f' }, max: { function: 'max', field: 'f' }, first: { function: 'first', field: 'f' },
      last: { function: 'last', field: 'f' }, distinctCount: { function: 'distinctCount', field: 'f' },
      mostFrequent: { function: 'mostFrequent', field: 'f' }, list: { function: 'list', field: 'f' },
    };
    expect(given(specs).valuesAt(T0, ['nobody'])).toEqual({
      count: 0, sum: 0, avg: null, min: null, max: null, first: null, last: null, distinctCount: 0, mostFrequent: null, list: [],
    });
  });

  it('first and last follow the events’ own timestamps, not arrival; ties go by log position', () => {
    const engine = given({ first: { function: 'first', field: 'sku' }, last: { function: 'last', field: 'sku' } });
    engine.arrive(now, buy('a', T0 + 5 * SECOND, { sku: 'late-arrival-newest' }), buy('a', T0 + 1 * SECOND, { sku: 'oldest' }));
    engine.arrive(now, buy('a', T0 + 5 * SECOND, { sku: 'same-time-later-in-log' }));
    expect(engine.valuesAt(now, ['a'])).toEqual({ first: 'oldest', last: 'same-time-later-in-log' });
  });

  it('mostFrequent breaks a tie by the most recent value; list keeps at most 100 values', () => {
    const engine = given({ top: { function: 'mostFrequent', field: 'sku' }, list: { function: 'list', field: 'sku' } });
    engine.arrive(now, buy('a', T0 + 1, { sku: 'x' }), buy('a', T0 + 2, { sku: 'y' }));
    expect(engine.valuesAt(now, ['a']).top).toBe('y');
    for (let i = 0; i < 150; i++) engine.arrive(now, buy('a', T0 + 1000 + i, { sku: `s${i}` }));
    const list = engine.valuesAt(now, ['a']).list as string[];
    expect([list.length, list[0], list[99]]).toEqual([100, 's149', 's50']);
  });

  it('distinct functions tell "1" from 1 and count booleans; objects do not count', () => {
    const engine = given({ d: { function: 'distinctCount', field: 'v' } });
    engine.arrive(now, buy('a', T0, { v: '1' }), buy('a', T0, { v: 1 }), buy('a', T0, { v: true }), buy('a', T0, { v: { x: 1 } }));
    expect(engine.valuesAt(now, ['a'])).toEqual({ d: 3 });
  });

  it('sums are exact whatever the order: no floating-point drift as values enter and leave', () => {
    const engine = given({ s: { function: 'sum', field: 'x', window: { last: '10s' } } });
    engine.arrive(T0, buy('a', T0 - 9 * SECOND, { x: 1e16 }), buy('a', T0, { x: 0.1 }), buy('a', T0, { x: 0.2 }), buy('a', T0, { x: -1e16 }));
    expect(engine.valuesAt(T0, ['a'])).toEqual({ s: 0.30000000000000004 });
    expect(engine.valuesAt(T0 + 1 * SECOND, ['a'])).toEqual({ s: -1e16 + 0.30000000000000004 });
  });
});

describe('window engine: window edges', () => {
  const count30 = { c: { function: 'count', window: { last: '30d' } } } as const;

  it('an event exactly one window old has left it; one millisecond younger still counts', () => {
    const now = T0 + 40 * DAY;
    const engine = given(count30).arrive(now, view('a', now - 30 * DAY), view('a', now - 30 * DAY + 1));
    expect(engine.valuesAt(now, ['a'])).toEqual({ c: 1 });
  });

  it('a counted event leaves when now reaches its timestamp + window, without any new event', () => {
    const engine = given(count30).arrive(T0 + DAY, view('a', T0), view('a', T0 + DAY));
    expect(engine.nextChangeAt(['a'])).toBe(T0 + 30 * DAY);
    expect(engine.valuesAt(T0 + 30 * DAY - 1, ['a'])).toEqual({ c: 2 });
    expect(engine.valuesAt(T0 + 30 * DAY, ['a'])).toEqual({ c: 1 });
    expect(engine.nextChangeAt(['a'])).toBe(T0 + 31 * DAY);
    expect(engine.valuesAt(T0 + 31 * DAY, ['a'])).toEqual({ c: 0 });
    expect(engine.nextChangeAt(['a'])).toBeUndefined();
  });

  it('an event at now counts (the window is (now − duration, now])', () => {
    expect(given(count30).arrive(T0, view('a', T0)).valuesAt(T0, ['a'])).toEqual({ c: 1 });
  });

  it('a future-dated event enters when now reaches its timestamp, then lapses like any other', () => {
    const engine = given({ ...count30, all: { function: 'count' } }).arrive(T0, view('a', T0 + 5 * SECOND));
    expect(engine.valuesAt(T0, ['a'])).toEqual({ c: 0, all: 0 });
    expect(engine.nextChangeAt(['a'])).toBe(T0 + 5 * SECOND);
    expect(engine.valuesAt(T0 + 5 * SECOND, ['a'])).toEqual({ c: 1, all: 1 });
    expect(engine.valuesAt(T0 + 5 * SECOND + 30 * DAY, ['a'])).toEqual({ c: 0, all: 1 });
  });

  it('a late event older than the window never counts; a late one inside it does', () => {
    const now = T0 + 100 * DAY;
    const engine = given(count30).arrive(now, view('a', now - 31 * DAY), view('a', now - 29 * DAY));
    expect(engine.valuesAt(now, ['a'])).toEqual({ c: 1 });
    expect(engine.nextChangeAt(['a'])).toBe(now + DAY);
  });

  it('min and max are recomputed when the extreme lapses', () => {
    const engine = given({ min: { function: 'min', field: 'x', window: { last: '10s' } }, max: { function: 'max', field: 'x', window: { last: '10s' } } });
    engine.arrive(T0, buy('a', T0, { x: 1 }), buy('a', T0 + 1, { x: 9 }), buy('a', T0 + 2, { x: 5 }));
    expect(engine.valuesAt(T0 + 2, ['a'])).toEqual({ min: 1, max: 9 });
    expect(engine.valuesAt(T0 + 10 * SECOND, ['a'])).toEqual({ min: 5, max: 9 });
    expect(engine.valuesAt(T0 + 10 * SECOND + 1, ['a'])).toEqual({ min: 5, max: 5 });
  });

  it('first, last, list and mostFrequent follow lapses', () => {
    const w = { window: { last: '10s' } };
    const engine = given({ first: { function: 'first', field: 's', ...w }, last: { function: 'last', field: 's', ...w },
      list: { function: 'list', field: 's', ...w }, top: { function: 'mostFrequent', field: 's', ...w } });
    engine.arrive(T0, buy('a', T0, { s: 'x' }), buy('a', T0 + 1, { s: 'x' }), buy('a', T0 + 2, { s: 'y' }));
    expect(engine.valuesAt(T0 + 10 * SECOND, ['a'])).toEqual({ first: 'x', last: 'y', list: ['y', 'x'], top: 'y' });
    expect(engine.valuesAt(T0 + 10 * SECOND + 2, ['a'])).toEqual({ first: null, last: null, list: [], top: null });
  });
});

describe('window engine: folding a log by its own times (replay)', () => {
  const count10 = { c: { function: 'count', window: { last: '10s' } } } as const;

  it('folded at its log time, an event counts in a rebuild long after its window lapsed, then lapses at its moment', () => {
    const logged = T0 + 2 * SECOND;
    const engine = given(count10).arrive(logged, view('a', T0));
    expect(engine.valuesAt(logged, ['a'])).toEqual({ c: 1 });
    expect(engine.nextChangeAt(['a'])).toBe(T0 + 10 * SECOND);
    // Folded at a rebuild's now instead, it would never have counted: the entry the live run made would be missing.
    expect(given(count10).arrive(T0 + DAY, view('a', T0)).valuesAt(T0 + DAY, ['a'])).toEqual({ c: 0 });
  });

  it('changesBy: a lapse or a future-dated entry at or before the moment must go first', () => {
    const engine = given(count10).arrive(T0, view('a', T0), view('b', T0 + 3 * SECOND));
    const states = (p: string) => [engine.states.get(p)!];
    expect(changesBy(states('a'), engine.definitions, T0 + 10 * SECOND - 1)).toBe(false);
    expect(changesBy(states('a'), engine.definitions, T0 + 10 * SECOND)).toBe(true);
    expect(changesBy(states('b'), engine.definitions, T0 + 3 * SECOND)).toBe(true);
    expect(changesBy([], engine.definitions, T0 + DAY)).toBe(false);
  });
});
