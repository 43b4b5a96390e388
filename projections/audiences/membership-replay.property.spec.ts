import fc from 'fast-check';
import { evaluateDataCondition, parseDuration, type Condition, type EventCondition } from '../conditions';
import { advance, applyEvent, compileDefinition, emptyPrimaryState, graphNextChangeAt, graphValues, type CompiledDefinition, type PrimaryComputedState } from '../computed-attributes';
import { audienceCountDefinitions } from './anonymous-definitions';
import { compileEventCondition } from './compile-event';
import { eventConditionsOf } from './condition-reads';
import { evolveDefinitions, initialDefinitions, type AudienceDefinitions } from './definitions';
import { buildDependencyIndex } from './dependency-index';
import { evaluateAll, reevaluate, type AudienceEngine, type CauseKind, type Membership } from './membership';

/**
 * Replay: the memberships and the history of transitions are a fold of the log plus time, whenever the fold runs.
 * Items fold as of their own log time; before an item, every window change due by its log time is applied, each at
 * its own moment (cause windowLapse). A live run (lapses applied by timer ticks at random moments in between) and
 * a rebuild run later (no tick until every item is folded, then the lapses up to its "now") record exactly the
 * same transitions, with the same times and causes; and at every moment of the log the memberships equal a naive
 * evaluation of every definition at that moment. (Merges and splits: membership.property.spec.ts.)
 */
const SECOND = 1000;
const T0 = 1_000_000 * SECOND;
const PEOPLE = ['p0', 'p1', 'p2'];

const eventLeaf: fc.Arbitrary<EventCondition> = fc.record({
  event: fc.record({ type: fc.constantFrom('purchase', 'view'), where: fc.constantFrom(undefined, { field: 'total', op: 'gt' as const, value: 5 }) }, { requiredKeys: ['type'] }),
  window: fc.constantFrom(undefined, { last: '10s' }, { last: '30s' }),
  count: fc.constantFrom(undefined, { op: 'gte' as const, value: 2 }, { op: 'eq' as const, value: 0 }),
}).map((c) => JSON.parse(JSON.stringify(c)) as EventCondition);
const leaf = (earlier: string[]): fc.Arbitrary<Condition> =>
  fc.oneof(
    eventLeaf,
    eventLeaf,
    fc.record({ attribute: fc.constant('city'), op: fc.constant('eq' as const), value: fc.constantFrom('Basel', 'Bern') }),
    ...(earlier.length > 0 ? [fc.record({ audience: fc.constantFrom(...earlier), op: fc.constantFrom('member' as const, 'notMember' as const) })] : []),
  );
const condition = (earlier: string[]): fc.Arbitrary<Condition> =>
  fc.oneof(leaf(earlier), fc.array(leaf(earlier), { minLength: 2, maxLength: 3 }).map((and) => ({ and })), leaf(earlier).map((not) => ({ not })));
const definitionsArb = fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => condition(Array.from({ length: i }, (_, j) => `a${j}`)))));

/** A logged item: `gap` seconds after the previous one (0: the same millisecond), for one person. */
type Item =
  | { kind: 'event'; gap: number; p: number; type: string; offset: number; total: number }
  | { kind: 'attribute'; gap: number; p: number; city: string | null };
const item: fc.Arbitrary<Item> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('event' as const), gap: fc.nat(15), p: fc.nat(2), type: fc.constantFrom('purchase', 'view'),
    /** Seconds from the log time: mostly in the past (some already out of their window), a few in the future. */
    offset: fc.integer({ min: -40, max: 5 }), total: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('attribute' as const), gap: fc.nat(15), p: fc.nat(2), city: fc.constantFrom('Basel', 'Bern', null) }) },
);

interface Logged { at: number; item: Item }
interface Person { attributes: Record<string, unknown>; state: PrimaryComputedState; memberships: Map<string, Membership> }
interface Recorded { person: string; audienceId: string; kind: 'entered' | 'exited'; at: string; cause: CauseKind }

function defined(conditions: Condition[]): AudienceDefinitions {
  return conditions.reduce(
    (defs, c, i) => evolveDefinitions(defs, { type: 'AudienceSaved', data: { audienceId: `a${i}`, name: `a${i}`, condition: c, version: 1 } }, 'T'),
    initialDefinitions(),
  );
}

/**
 * The projector's fold, reduced to its pure parts: `ticks` are the moments a timer applies the lapses due by then
 * (a live run); the log is folded item by item, and the lapses up to `until` are applied at the end.
 */
function fold(definitions: AudienceDefinitions, log: readonly Logged[], ticks: readonly number[], until: number): Recorded[] {
  const engine: AudienceEngine = { definitions, index: buildDependencyIndex(definitions) };
  const counts: CompiledDefinition[] = audienceCountDefinitions(definitions).map(compileDefinition);
  const people = new Map<string, Person>(PEOPLE.map((p) => [p, { attributes: {}, state: emptyPrimaryState(T0), memberships: new Map() }]));
  const history: Recorded[] = [];
  const evaluate = (name: string, at: number, cause: CauseKind) => {
    const person = people.get(name)!;
    const view = { attributes: person.attributes, computed: graphValues(counts, [person.state]), namespaces: new Set<string>() };
    const result = reevaluate(engine, { profileId: name, view, memberships: person.memberships }, { everything: true }, new Date(at).toISOString(), { kind: cause });
    person.memberships = result.memberships;
    history.push(...result.transitions.map((t) => ({ person: name, audienceId: t.audienceId, kind: t.kind, at: t.at, cause: t.cause.kind })));
  };
  const lapsesUntil = (moment: number) => {
    for (;;) {
      const due = PEOPLE.map((p) => [p, graphNextChangeAt([people.get(p)!.state], counts)] as const).filter(([, at]) => at !== undefined && at <= moment);
      if (due.length === 0) return;
      const [name, at] = due.reduce((a, b) => (b[1]! < a[1]! ? b : a));
      advance(people.get(name)!.state, counts, at!);
      evaluate(name, at!, 'windowLapse');
    }
  };
  let nextTick = 0;
  log.forEach(({ at, item }, i) => {
    while (nextTick < ticks.length && ticks[nextTick]! < at) lapsesUntil(ticks[nextTick++]!);
    lapsesUntil(at);
    const name = PEOPLE[item.p]!;
    const person = people.get(name)!;
    if (item.kind === 'attribute') {
      if (item.city === null) delete person.attributes.city;
      else person.attributes.city = item.city;
    } else {
      const event = { type: item.type, timestamp: at + item.offset * SECOND, position: String(i + 1), data: { total: item.total } };
      applyEvent(person.state, counts, event, at);
    }
    evaluate(name, at, 'item');
  });
  for (; nextTick < ticks.length; nextTick++) lapsesUntil(ticks[nextTick]!);
  lapsesUntil(until);
  return history;
}

/**
 * Memberships at `moment` from scratch: every item logged by then, every event counted in its window then. A person
 * with no item yet has no profile, so no memberships.
 */
function naiveAt(definitions: AudienceDefinitions, log: readonly Logged[], name: string, moment: number): string[] {
  const attributes: Record<string, unknown> = {};
  const events: Array<{ type: string; t: number; total: number }> = [];
  let known = false;
  for (const { at, item } of log) {
    if (at > moment || PEOPLE[item.p] !== name) continue;
    known = true;
    if (item.kind === 'attribute') {
      if (item.city === null) delete attributes.city;
      else attributes.city = item.city;
    } else events.push({ type: item.type, t: at + item.offset * SECOND, total: item.total });
  }
  const computed: Record<string, number> = {};
  for (const { condition } of definitions.byId.values()) {
    for (const [countName, event] of eventConditionsOf(condition)) {
      const def = compileEventCondition(event);
      const windowMs = def.window ? parseDuration(def.window.last)! : Infinity;
      computed[countName] = events.filter((e) => def.eventType.includes(e.type) && e.t <= moment && e.t > moment - windowMs && (!def.where || evaluateDataCondition(def.where, { total: e.total }))).length;
    }
  }
  return known ? [...evaluateAll(definitions, { attributes, computed, namespaces: new Set() })].sort() : [];
}

/** Memberships at `moment` as the recorded history has them (the last transition at or before it wins). */
function replayedAt(history: readonly Recorded[], name: string, moment: number): string[] {
  const members = new Set<string>();
  for (const t of history) {
    if (t.person !== name || Date.parse(t.at) > moment) continue;
    if (t.kind === 'entered') members.add(t.audienceId);
    else members.delete(t.audienceId);
  }
  return [...members].sort();
}

const logOf = (items: readonly Item[]): Logged[] => {
  let at = T0;
  return items.map((item) => ({ at: (at += item.gap * SECOND), item }));
};

describe('replayed memberships: a rebuild after the lapses equals the live run (property)', () => {
  it('for random logs, random live ticks and a rebuild at a later now', () => {
    fc.assert(
      fc.property(definitionsArb, fc.array(item, { minLength: 1, maxLength: 30 }), fc.array(fc.nat(400), { maxLength: 25 }), fc.nat(120), (conditions, items, tickOffsets, later) => {
        const definitions = defined(conditions);
        const log = logOf(items);
        const liveNow = log[log.length - 1]!.at + 5 * SECOND;
        const rebuildNow = liveNow + later * SECOND;
        // Live: ticks at random moments up to its now; then time alone runs on to the rebuild's now.
        const ticks = [...new Set(tickOffsets.map((s) => T0 + s * SECOND / 2).filter((t) => t <= liveNow))].sort((a, b) => a - b);
        const live = fold(definitions, log, [...ticks, liveNow], rebuildNow);
        const rebuilt = fold(definitions, log, [], rebuildNow);
        expect(rebuilt).toEqual(live);
        // Every moment the log or a window can change anything at, and the instant before it.
        const moments = new Set<number>([rebuildNow]);
        for (const { at, item: it } of log) {
          moments.add(at);
          if (it.kind === 'event') for (const w of [0, 10, 30]) moments.add(at + it.offset * SECOND + w * SECOND);
        }
        for (const moment of [...moments].filter((m) => m <= rebuildNow)) {
          for (const name of PEOPLE) {
            for (const m of [moment - 1, moment]) expect([name, m, replayedAt(live, name, m)]).toEqual([name, m, naiveAt(definitions, log, name, m)]);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
