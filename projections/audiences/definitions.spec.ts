import { audienceCountDefinitions } from './anonymous-definitions';
import { definitionsOf } from './audiences.fixture';
import { anonymousName, canonicalJson, compileEventCondition } from './compile-event';
import { audiencesNaming, cycleThrough, evolveDefinitions, reachableAudiences } from './definitions';

const member = (audience: string) => ({ audience, op: 'member' as const });
const hasEmail = { identity: 'Email', op: 'exists' as const };

describe('audience definitions', () => {
  it('orders every audience after the audiences it names, the same on every replay', () => {
    const defs = definitionsOf({ c: { and: [member('b'), member('a')] }, b: member('a'), a: hasEmail, z: hasEmail });
    expect(defs.order).toEqual(['a', 'b', 'c', 'z']);
  });

  it('keeps createdAt across changes and moves updatedAt; a delete forgets the audience', () => {
    const first = definitionsOf({ a: hasEmail });
    const changed = evolveDefinitions(first, { type: 'AudienceSaved', data: { audienceId: 'a', name: 'A', condition: member('x'), version: 2 } }, '2024-02-01T00:00:00.000Z');
    expect(changed.byId.get('a')).toMatchObject({ name: 'A', version: 2, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-02-01T00:00:00.000Z' });
    const deleted = evolveDefinitions(changed, { type: 'AudienceDeleted', data: { audienceId: 'a' } }, '2024-03-01T00:00:00.000Z');
    expect(deleted.byId.size).toBe(0);
    expect(deleted.order).toEqual([]);
  });

  it('finds the cycle a save would close, as the chain of ids', () => {
    const defs = definitionsOf({ a: hasEmail, b: member('a'), c: member('b') });
    expect(cycleThrough(defs, 'a', member('c'))).toEqual(['a', 'c', 'b', 'a']);
    expect(cycleThrough(defs, 'a', member('a'))).toEqual(['a', 'a']);
    expect(cycleThrough(defs, 'd', member('c'))).toBeUndefined();
    expect(cycleThrough(defs, 'c', { and: [member('a'), member('b')] })).toBeUndefined();
  });

  it('knows which audiences name an audience (it cannot be deleted while they do)', () => {
    const defs = definitionsOf({ a: hasEmail, b: member('a'), c: { not: member('a') }, d: member('b') });
    expect(audiencesNaming(defs, 'a')).toEqual(['b', 'c']);
    expect(audiencesNaming(defs, 'd')).toEqual([]);
  });
});

describe('an event condition compiles to an anonymous count', () => {
  const condition = { event: { type: ['purchase', 'refund'], where: { field: 'total', op: 'gt' as const, value: 10 } }, window: { last: '30d' } };

  it('is a count over the type, where and window', () => {
    expect(compileEventCondition(condition)).toEqual({
      name: anonymousName(condition),
      function: 'count',
      eventType: ['purchase', 'refund'],
      where: { field: 'total', op: 'gt', value: 10 },
      window: { last: '30d' },
    });
    expect(anonymousName(condition)).toMatch(/^_ev_[0-9a-f]{16}$/);
  });

  it('names it from the canonical JSON: key order and type order do not matter, the count does not either', () => {
    const reordered = { window: { last: '30d' }, event: { where: { value: 10, op: 'gt' as const, field: 'total' }, type: ['refund', 'purchase'] } };
    expect(anonymousName(reordered)).toBe(anonymousName(condition));
    expect(anonymousName({ ...condition, count: { op: 'eq', value: 0 } })).toBe(anonymousName(condition));
    expect(anonymousName({ event: { type: 'purchase' } })).toBe(anonymousName({ event: { type: ['purchase'] } }));
  });

  it('names different counted events differently', () => {
    expect(anonymousName({ ...condition, window: { last: '7d' } })).not.toBe(anonymousName(condition));
    expect(anonymousName({ event: { type: 'purchase' } })).not.toBe(anonymousName({ event: { type: 'refund' } }));
  });

  it('canonical JSON sorts keys and keeps array order', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: 1, c: null } })).toBe('{"a":{"c":null,"d":1},"b":[2,1]}');
  });
});

describe('reachable audiences', () => {
  it('are the audiences a condition names, directly or not, in evaluation order', () => {
    const defs = definitionsOf({ a: hasEmail, b: member('a'), c: hasEmail, d: member('b') });
    expect(reachableAudiences(defs, { or: [member('d'), member('c')] })).toEqual(['a', 'b', 'c', 'd']);
    expect(reachableAudiences(defs, member('b'))).toEqual(['a', 'b']);
    expect(reachableAudiences(defs, hasEmail)).toEqual([]);
  });
});

describe('the anonymous counts audiences need', () => {
  it('are one per distinct event condition, in name order, version 1', () => {
    const bought = { event: { type: 'purchase' }, window: { last: '30d' } };
    const defs = definitionsOf({ a: bought, b: { and: [bought, { event: { type: 'view' } }] }, c: hasEmail });
    const counts = audienceCountDefinitions(defs);
    expect(counts.map((c) => c.name)).toEqual([anonymousName(bought), anonymousName({ event: { type: 'view' } })].sort());
    expect(counts.find((c) => c.name === anonymousName(bought))).toEqual({
      name: anonymousName(bought), version: 1, function: 'count', eventType: ['purchase'], window: { last: '30d' },
    });
  });
});
