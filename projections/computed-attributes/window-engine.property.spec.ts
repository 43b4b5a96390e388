import fc from 'fast-check';
import { compileAll, SECOND, T0, toComputedEvent, type GivenEvent } from './engine.fixture';
import { advanceAll, graphNextChangeAt, graphValues } from './graph-values';
import type { ComputedEvent } from './match-event';
import { naiveValue } from './naive-values.fixture';
import { applyEvent, buildDefinitions, emptyPrimaryState, type PrimaryComputedState } from './window-state';
import type { ComputedAttributeSpec } from './definition';
import { packState, unpackState } from './stored-state';

const FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max', 'first', 'last', 'distinctCount', 'mostFrequent', 'list'] as const;
const WINDOWS = [undefined, { last: '10s' }, { last: '30s' }];
const specs: Record<string, ComputedAttributeSpec> = {};
for (const fn of FUNCTIONS) {
  WINDOWS.forEach((window, i) => {
    specs[`${fn}_${i}`] = { function: fn, ...(fn === 'count' ? {} : { field: 'v' }), ...(window ? { window } : {}) };
  });
}
specs.countBuysOver1 = { function: 'count', eventType: 'buy', where: { field: 'v', op: 'gt', value: 1 }, window: { last: '10s' } };
specs.lastBuySku = { function: 'last', field: 'sku', eventType: ['buy', 'refund'] };
const definitions = compileAll(specs);
const PRIMARIES = ['a', 'b', 'c', 'd'];

type Op =
  | { kind: 'event'; primary: string; type: string; offset: number; data: Record<string, unknown> }
  | { kind: 'tick'; dt: number }
  | { kind: 'check'; groups: number[] }
  | { kind: 'erase'; primary: string };

const value = fc.oneof(fc.integer({ min: -20, max: 20 }).map((k) => k / 4), fc.constantFrom('x', 'y', 'z', true), fc.constant(undefined));
/** Whole seconds, so events land exactly on window edges and on each other's timestamps often. */
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('event' as const), primary: fc.constantFrom(...PRIMARIES), type: fc.constantFrom('buy', 'view', 'refund'),
    offset: fc.integer({ min: -45, max: 12 }).map((s) => s * SECOND), data: fc.record({ v: value, sku: fc.constantFrom('s1', 's2', 's3') }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 15 }).map((s) => s * SECOND) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('check' as const), groups: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('erase' as const), primary: fc.constantFrom(...PRIMARIES) }) },
);

/** The state as a batch leaves it in the read store and the next one loads it (packed, JSON, unpacked). */
const throughStore = (state: PrimaryComputedState): PrimaryComputedState => unpackState(JSON.parse(JSON.stringify(packState(state))));

/**
 * Runs the ops through the engine and through the naive reference; answers the first disagreement. `stored`: each
 * state goes through the read store's form after every event, as between batches.
 */
function run(ops: Op[], stored = false): string | undefined {
  let now = T0;
  let seq = 0;
  const states = new Map<string, PrimaryComputedState>();
  const events = new Map<string, ComputedEvent[]>(PRIMARIES.map((p) => [p, []]));
  const stateOf = (p: string) => states.get(p) ?? states.set(p, emptyPrimaryState(now)).get(p)!;
  for (const o of ops) {
    if (o.kind === 'tick') now += o.dt;
    if (o.kind === 'erase') { states.delete(o.primary); events.set(o.primary, []); }
    if (o.kind === 'event') {
      const given: GivenEvent = { primary: o.primary, type: o.type, at: now + o.offset, data: o.data };
      const event = toComputedEvent(given, ++seq);
      events.get(o.primary)!.push(event);
      applyEvent(stateOf(o.primary), definitions, event, now);
      if (stored) states.set(o.primary, throughStore(stateOf(o.primary)));
    }
    if (o.kind !== 'check') continue;
    for (const group of [0, 1, 2]) {
      const members = PRIMARIES.filter((_, i) => o.groups[i] === group);
      const problem = compareGroup(members.map(stateOf), members.flatMap((p) => events.get(p)!), now);
      if (problem) return `at now=T0+${now - T0}ms, graph [${members}]: ${problem}`;
    }
  }
  return undefined;
}

function compareGroup(states: PrimaryComputedState[], events: ComputedEvent[], now: number): string | undefined {
  advanceAll(states, definitions, now);
  const incremental = graphValues(definitions, states);
  for (const d of definitions) {
    const expected = naiveValue(d, events, now);
    if (JSON.stringify(incremental[d.name]) !== JSON.stringify(expected)) {
      return `${d.name}: incremental ${JSON.stringify(incremental[d.name])}, naive ${JSON.stringify(expected)}`;
    }
  }
  const next = graphNextChangeAt(states, definitions);
  if (next !== undefined && next <= now) return `next change ${next} is not after now`;
  return undefined;
}

describe('window engine property: incremental values equal a naive recomputation', () => {
  it('for random logs, random graphs and random nows', () => {
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (ops) => run(ops) === undefined), { numRuns: 300 });
  });

  it('with every state stored and loaded again between events (the packed form loses nothing)', () => {
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (ops) => run(ops, true) === undefined), { numRuns: 300 });
  });

  it('a state built from the whole timeline at a moment equals the live fold (backfill, asOf, rebuild)', () => {
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 80 }), fc.integer({ min: 0, max: 60 * SECOND }), (ops, later) => {
      let now = T0;
      let seq = 0;
      const live = emptyPrimaryState(now);
      const all: ComputedEvent[] = [];
      for (const o of ops) {
        if (o.kind === 'tick') now += o.dt;
        if (o.kind !== 'event') continue;
        const event = toComputedEvent({ primary: 'a', type: o.type, at: now + o.offset, data: o.data }, ++seq);
        all.push(event);
        applyEvent(live, definitions, event, now);
      }
      const at = now + later;
      advanceAll([live], definitions, at);
      const built = emptyPrimaryState(at);
      buildDefinitions(built, definitions, all);
      return JSON.stringify(graphValues(definitions, [built])) === JSON.stringify(graphValues(definitions, [live]))
        && graphNextChangeAt([built], definitions) === graphNextChangeAt([live], definitions);
    }), { numRuns: 200 });
  });
});
