import { compileAll, DAY, EngineDriver, SECOND, T0, toComputedEvent } from './engine.fixture';
import { applyEvent, buildDefinitions, emptyPrimaryState, unbuiltDefinitions } from './window-state';
import { graphValues } from './graph-values';

const specs = {
  purchases30d: { function: 'count', eventType: 'purchase', window: { last: '30d' } },
  spend: { function: 'sum', field: 'total', eventType: 'purchase' },
  lastSku: { function: 'last', field: 'sku' },
  skus: { function: 'list', field: 'sku' },
} as const;

/** a = a CRM id's events, b = a cookie's events; the graph joins or splits them. */
function twoPeople(now: number) {
  return new EngineDriver(compileAll(specs)).arrive(
    now,
    { primary: 'a', type: 'purchase', at: now - 40 * DAY, data: { total: 100, sku: 'old' } },
    { primary: 'a', type: 'purchase', at: now - 2 * DAY, data: { total: 10, sku: 'x' } },
    { primary: 'b', type: 'purchase', at: now - 1 * DAY, data: { total: 5, sku: 'y' } },
    { primary: 'b', type: 'pageView', at: now - 1 * SECOND, data: { sku: 'z' } },
  );
}

describe('window engine: merges, splits, unmerges, erasure', () => {
  const now = T0 + 100 * DAY;

  it('a merge answers the union of both people’s events', () => {
    expect(twoPeople(now).valuesAt(now, ['a', 'b'])).toEqual({ purchases30d: 2, spend: 115, lastSku: 'z', skus: ['z', 'y', 'x', 'old'] });
  });

  it('a split (or an unmerge by link rejection: the graph is re-derived without the link) answers each part alone', () => {
    const engine = twoPeople(now);
    engine.valuesAt(now, ['a', 'b']);
    expect(engine.valuesAt(now, ['a'])).toEqual({ purchases30d: 1, spend: 110, lastSku: 'x', skus: ['x', 'old'] });
    expect(engine.valuesAt(now, ['b'])).toEqual({ purchases30d: 1, spend: 5, lastSku: 'z', skus: ['z', 'y'] });
  });

  it('a merged graph lapses by the earliest of its parts', () => {
    const engine = twoPeople(now);
    expect(engine.nextChangeAt(['a', 'b'])).toBe(now + 28 * DAY);
    expect(engine.valuesAt(now + 28 * DAY, ['a', 'b']).purchases30d).toBe(1);
    expect(engine.valuesAt(now + 29 * DAY, ['a', 'b']).purchases30d).toBe(0);
  });

  it('erasure drops the erased identity’s state: its events count nowhere', () => {
    const engine = twoPeople(now);
    engine.erase('b');
    expect(engine.valuesAt(now, ['a', 'b'])).toEqual({ purchases30d: 1, spend: 110, lastSku: 'x', skus: ['x', 'old'] });
  });
});

describe('window engine: building and re-applying', () => {
  const definitions = compileAll(specs);
  const events = [
    { primary: 'a', type: 'purchase', at: T0 - 40 * DAY, data: { total: 1, sku: 'p' } },
    { primary: 'a', type: 'purchase', at: T0 - DAY, data: { total: 2, sku: 'q' } },
    { primary: 'a', type: 'purchase', at: T0 + DAY, data: { total: 3, sku: 'r' } },
  ].map(toComputedEvent);

  it('a state built from the whole timeline at once equals the one folded event by event', () => {
    const folded = emptyPrimaryState(T0);
    for (const e of events) applyEvent(folded, definitions, e, T0);
    const built = emptyPrimaryState(T0);
    buildDefinitions(built, unbuiltDefinitions(built, definitions), [...events].reverse());
    expect(graphValues(definitions, [built])).toEqual(graphValues(definitions, [folded]));
    expect(built.last).toBe(folded.last);
  });

  it('an event at or before the newest folded position is not counted twice', () => {
    const state = emptyPrimaryState(T0);
    for (const e of [...events, ...events]) applyEvent(state, definitions, e, T0);
    expect(graphValues(definitions, [state])).toEqual({ purchases30d: 1, spend: 3, lastSku: 'q', skus: ['q', 'p'] });
  });

  it('a definition changed to a new version is unbuilt until built again, and old-version state never counts', () => {
    const state = emptyPrimaryState(T0);
    for (const e of events) applyEvent(state, definitions, e, T0);
    const v2 = compileAll(specs, 2);
    expect(unbuiltDefinitions(state, v2).map((d) => d.name)).toEqual(Object.keys(specs));
    expect(graphValues(v2, [state])).toEqual({ purchases30d: 0, spend: 0, lastSku: null, skus: [] });
  });
});
