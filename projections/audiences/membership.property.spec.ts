import fc from 'fast-check';
import { evaluateDataCondition, parseDuration, type Condition, type EventCondition } from '../conditions';
import { compileEventCondition } from './compile-event';
import { eventConditionsOf } from './condition-reads';
import { evolveDefinitions, initialDefinitions, type AudienceDefinitions } from './definitions';
import { buildDependencyIndex } from './dependency-index';
import type { ProfileView } from './evaluate';
import { evaluateAll, regraph, reevaluate, type AudienceEngine, type Membership, type Transition } from './membership';
import { WindowEngineModel } from './window-engine.fixture';

/**
 * For random logs (attribute writes, identities, events, merges, splits, erasures, definition saves) and random
 * "now"s moving forward, the memberships kept incrementally (only the affected audiences re-evaluated, with the
 * transitions folded) equal a naive evaluation of every definition against every profile at that moment.
 * The incremental side gets its counts from the window engine of computed attributes (WindowEngineModel), the
 * naive side counts every definition's events itself: so the one engine and audiences are checked together.
 */
interface Person {
  attributes: Record<string, unknown>;
  namespaces: Set<string>;
  events: Array<{ type: string; at: number; data: Record<string, unknown>; position: string }>;
}

const TYPES = ['purchase', 'view'];
const NAMESPACES = ['CRMID', 'Email', 'ECID'];

const leaf = (audiences: string[]): fc.Arbitrary<Condition> => {
  const options: Array<fc.Arbitrary<Condition>> = [
    fc.record({ attribute: fc.constantFrom('city', 'score'), op: fc.constant('eq' as const), value: fc.constantFrom('Basel', 'Bern', 1, 2) }),
    fc.record({ attribute: fc.constantFrom('city', 'score'), op: fc.constant('exists' as const) }),
    fc.record({ identity: fc.constantFrom(...NAMESPACES), op: fc.constantFrom('exists' as const, 'notExists' as const) }),
    fc.record({
      event: fc.record({ type: fc.constantFrom(...TYPES) }, { requiredKeys: ['type'] }),
      window: fc.constantFrom({ last: '10s' }, { last: '60s' }),
      count: fc.constantFrom({ op: 'gte' as const, value: 1 }, { op: 'gte' as const, value: 2 }, { op: 'eq' as const, value: 0 }),
    }),
    fc.record({ event: fc.constant({ type: 'purchase', where: { field: 'total', op: 'gt' as const, value: 5 } }) }),
  ];
  if (audiences.length > 0) {
    options.push(fc.record({ audience: fc.constantFrom(...audiences), op: fc.constantFrom('member' as const, 'notMember' as const) }));
  }
  return fc.oneof(...options);
};

const conditionOver = (audiences: string[]): fc.Arbitrary<Condition> =>
  fc.oneof(
    leaf(audiences),
    fc.array(leaf(audiences), { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
    fc.array(leaf(audiences), { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
    leaf(audiences).map((not) => ({ not })),
  );

type Step =
  | { kind: 'attribute'; p: number; key: string; value: unknown }
  | { kind: 'identity'; p: number; namespace: string }
  | { kind: 'event'; p: number; type: string; back: number; total: number }
  | { kind: 'advance'; seconds: number }
  | { kind: 'merge'; p: number; q: number }
  | { kind: 'split'; p: number }
  | { kind: 'erase'; p: number }
  | { kind: 'define'; slot: number; condition: (audiences: string[]) => fc.Arbitrary<Condition> };

const person = fc.nat(3);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('attribute' as const), p: person, key: fc.constantFrom('city', 'score'), value: fc.constantFrom('Basel', 'Bern', 1, 2, null) }),
  fc.record({ kind: fc.constant('identity' as const), p: person, namespace: fc.constantFrom(...NAMESPACES) }),
  fc.record({ kind: fc.constant('event' as const), p: person, type: fc.constantFrom(...TYPES), back: fc.nat(30), total: fc.nat(10) }),
  fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('merge' as const), p: person, q: person }),
  fc.record({ kind: fc.constant('split' as const), p: person }),
  fc.record({ kind: fc.constant('erase' as const), p: person }),
);

function countsOf(person: Person, definitions: AudienceDefinitions, now: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { condition } of definitions.byId.values()) {
    for (const [name, event] of eventConditionsOf(condition)) counts[name] = naiveCount(person, event, now);
  }
  return counts;
}

function naiveCount(person: Person, condition: EventCondition, now: number): number {
  const def = compileEventCondition(condition);
  const windowMs = def.window ? parseDuration(def.window.last)! : Infinity;
  return person.events.filter(
    (e) => def.eventType.includes(e.type) && e.at <= now && e.at > now - windowMs && (!def.where || evaluateDataCondition(def.where, e.data)),
  ).length;
}

const viewOf = (person: Person, definitions: AudienceDefinitions, now: number): ProfileView => ({
  attributes: person.attributes,
  computed: countsOf(person, definitions, now),
  namespaces: person.namespaces,
});

describe('incremental memberships equal a naive evaluation (property)', () => {
  it('for random logs and random nows', () => {
    const definitionsArb = fc
      .array(fc.nat(2), { minLength: 1, maxLength: 5 })
      .chain((shape) => fc.tuple(...shape.map((_, i) => conditionOver(Array.from({ length: i }, (_, j) => `a${j}`)))));
    fc.assert(
      fc.property(definitionsArb, fc.array(step, { maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 3 }), (conditions, steps, defineAt) => {
        runLog(conditions, steps, defineAt);
      }),
      { numRuns: 100 },
    );
  });
});

/** Runs the log, defining audience i before step defineAt[i] (or before the first step), and checks after each step. */
function runLog(conditions: Condition[], steps: Step[], defineAt: number[]): void {
  let now = 1_000_000;
  const at = () => new Date(now).toISOString();
  const people = new Map<string, Person>();
  const memberships = new Map<string, Map<string, Membership>>();
  let engine: AudienceEngine = { definitions: initialDefinitions(), index: buildDependencyIndex(initialDefinitions()) };
  let defined = 0;
  let nextId = 0;
  let position = 0;
  const windows = new WindowEngineModel(() => now);
  /** The profile as the projector sees it: its counts from the window engine. */
  const live = (profileId: string): ProfileView => ({
    ...viewOf(people.get(profileId)!, initialDefinitions(), now),
    computed: windows.values(profileId, engine.definitions),
  });
  const liveCounts = (profileId: string) => windows.values(profileId, engine.definitions);
  const idOf = (p: number) => [...people.keys()].sort()[p % Math.max(1, people.size)];
  for (let i = 0; i < 4; i++) people.set(`p${nextId++}`, { attributes: {}, namespaces: new Set(), events: [] });
  for (const p of people.keys()) memberships.set(p, new Map());

  const apply = (transitions: Transition[]) => {
    for (const t of transitions) {
      const held = memberships.get(t.profileId) ?? new Map<string, Membership>();
      expect(held.has(t.audienceId)).toBe(t.kind === 'exited');
      if (t.kind === 'entered') held.set(t.audienceId, { audienceId: t.audienceId, enteredAt: t.at, cause: t.cause });
      else held.delete(t.audienceId);
      memberships.set(t.profileId, held);
    }
  };
  const touch = (profileId: string, before: Record<string, unknown>, change: Parameters<typeof reevaluate>[2]) => {
    const view = live(profileId);
    const computed = Object.keys(view.computed).filter((k) => view.computed[k] !== before[k]);
    const result = reevaluate(engine, { profileId, view, memberships: memberships.get(profileId)! }, { ...change, computed }, at(), { kind: 'item' });
    apply(result.transitions);
    expect(result.memberships).toEqual(memberships.get(profileId));
  };
  const define = () => {
    const audienceId = `a${defined}`;
    const definitions = evolveDefinitions(engine.definitions, { type: 'AudienceSaved', data: { audienceId, name: audienceId, condition: conditions[defined]!, version: 1 } }, at());
    engine = { definitions, index: buildDependencyIndex(definitions) };
    defined++;
    for (const profileId of people.keys()) touch(profileId, liveCounts(profileId), { audiences: [audienceId] });
  };

  steps.forEach((s, index) => {
    while (defined < conditions.length && (defineAt[defined] ?? 0) <= index) define();
    applyStep(s);
    check();
  });
  while (defined < conditions.length) define();
  check();

  function applyStep(s: Step): void {
    if (people.size === 0 && s.kind !== 'advance') return;
    const id = s.kind === 'advance' || s.kind === 'define' ? undefined : idOf(s.p)!;
    const person = id ? people.get(id)! : undefined;
    const before = id ? liveCounts(id) : {};
    if (s.kind === 'attribute') {
      if (s.value === null) delete person!.attributes[s.key];
      else person!.attributes[s.key] = s.value;
      touch(id!, before, { attributes: [s.key] });
    } else if (s.kind === 'identity') {
      person!.namespaces.add(s.namespace);
      touch(id!, before, { identities: [s.namespace] });
    } else if (s.kind === 'event') {
      const event = { type: s.type, at: now - s.back * 1000, data: { total: s.total }, position: String(++position) };
      person!.events.push(event);
      windows.event(id!, { type: event.type, timestamp: event.at, position: event.position, data: event.data }, engine.definitions);
      touch(id!, before, { eventTypes: [s.type] });
    } else if (s.kind === 'advance') {
      const counts = new Map([...people.keys()].map((p) => [p, liveCounts(p)]));
      now += s.seconds * 1000;
      for (const p of people.keys()) touch(p, counts.get(p)!, {});
    } else regraphStep(s, id!);
  }

  function regraphStep(s: Step, id: string): void {
    const before = new Map<string, ReadonlyMap<string, Membership>>();
    const after: Array<{ profileId: string; view: ProfileView }> = [];
    if (s.kind === 'merge') {
      const other = idOf((s as { q: number }).q)!;
      if (other === id) return;
      const [a, b] = [people.get(id)!, people.get(other)!];
      people.set(id, { attributes: { ...b.attributes, ...a.attributes }, namespaces: new Set([...a.namespaces, ...b.namespaces]), events: [...a.events, ...b.events] });
      people.delete(other);
      windows.merge(id, other);
      before.set(id, memberships.get(id)!).set(other, memberships.get(other)!);
      after.push({ profileId: id, view: live(id) });
    } else if (s.kind === 'split') {
      const whole = people.get(id)!;
      const newId = `p${nextId++}`;
      const half = Math.floor(whole.events.length / 2);
      people.set(id, { attributes: whole.attributes, namespaces: new Set([...whole.namespaces].slice(1)), events: whole.events.slice(half) });
      people.set(newId, { attributes: {}, namespaces: new Set([...whole.namespaces].slice(0, 1)), events: whole.events.slice(0, half) });
      const asComputed = (p: string) => people.get(p)!.events.map((e) => ({ type: e.type, timestamp: e.at, position: e.position, data: e.data }));
      windows.split([{ profileId: id, events: asComputed(id) }, { profileId: newId, events: asComputed(newId) }], engine.definitions);
      before.set(id, memberships.get(id)!);
      after.push({ profileId: id, view: live(id) });
      after.push({ profileId: newId, view: live(newId) });
    } else {
      people.delete(id);
      windows.drop(id);
      before.set(id, memberships.get(id)!);
    }
    const result = regraph(engine, before, after, at(), { kind: s.kind === 'erase' ? 'erasure' : s.kind === 'merge' ? 'merge' : 'split' });
    apply(result.transitions);
    for (const gone of before.keys()) if (!people.has(gone)) memberships.delete(gone);
    for (const [profileId, held] of result.memberships) {
      expect(held).toEqual(memberships.get(profileId) ?? new Map());
      memberships.set(profileId, held);
    }
  }

  function check(): void {
    for (const [profileId, person] of people) {
      const naive = evaluateAll(engine.definitions, viewOf(person, engine.definitions, now));
      expect([...(memberships.get(profileId)?.keys() ?? [])].sort()).toEqual([...naive].sort());
    }
    expect([...memberships.keys()].every((p) => people.has(p))).toBe(true);
  }
}
