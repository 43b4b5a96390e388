import type { Condition } from '../conditions';
import { validateCondition, type ConditionContext } from './validate-condition';

const ctx: ConditionContext = { namespaces: new Set(['CRMID', 'Email']), audiences: new Set(['vip']), computed: new Set(['orders']) };
const pathsOf = (raw: unknown) => validateCondition(raw, ctx).map((p) => p.path);

describe('audience condition validation: one problem per offending node, named by its path', () => {
  it.each<[string, Condition]>([
    ['attribute', { attribute: 'address.city', op: 'eq', value: 'Basel' }],
    ['attribute exists', { attribute: 'email', op: 'exists' }],
    ['computed', { computed: 'orders', op: 'gte', value: 3 }],
    ['identity', { identity: 'Email', op: 'notExists' }],
    ['event', { event: { type: ['purchase', 'refund'], where: { field: 'total', op: 'gt', value: 10 } }, window: { last: '30d' }, count: { op: 'gte', value: 2 } }],
    ['event with defaults', { event: { type: 'pageView' } }],
    ['audience', { audience: 'vip', op: 'notMember' }],
    ['and/or/not', { and: [{ or: [{ identity: 'CRMID', op: 'exists' }] }, { not: { audience: 'vip', op: 'member' } }] }],
  ])('accepts a valid %s condition', (_, condition) => {
    expect(validateCondition(condition, ctx)).toEqual([]);
  });

  it('names the offending child of an and by its index', () => {
    expect(pathsOf({ and: [{ identity: 'CRMID', op: 'exists' }, { attribute: 'a', op: 'between', value: 1 }] })).toEqual([
      'condition.and[1].op',
    ]);
  });

  it('refuses a node with no kind, two kinds, or a non-object', () => {
    expect(pathsOf({})).toEqual(['condition']);
    expect(pathsOf({ attribute: 'a', identity: 'Email', op: 'exists' })).toEqual(['condition']);
    expect(pathsOf({ not: [] })).toEqual(['condition.not']);
  });

  it('refuses unknown keys, so a typo does not silently change the meaning', () => {
    expect(pathsOf({ attribute: 'a', op: 'eq', valeu: 1 })).toEqual(['condition.valeu', 'condition.value']);
  });

  it('and/or take 1 to 50 children; nesting is at most 10 deep', () => {
    expect(pathsOf({ or: [] })).toEqual(['condition.or']);
    const leaf = { identity: 'Email', op: 'exists' };
    expect(pathsOf({ and: Array.from({ length: 51 }, () => leaf) })).toEqual(['condition.and']);
    expect(pathsOf({ and: Array.from({ length: 50 }, () => leaf) })).toEqual([]);
    const nest = (depth: number): unknown => (depth === 1 ? leaf : { not: nest(depth - 1) });
    expect(pathsOf(nest(10))).toEqual([]);
    expect(pathsOf(nest(11))).toEqual([`condition${'.not'.repeat(10)}`]);
  });

  it('counts the depth of a where inside an event condition toward the same limit', () => {
    const where = (depth: number): unknown => (depth === 1 ? { field: 'x', op: 'exists' } : { not: where(depth - 1) });
    expect(pathsOf({ event: { type: 'a', where: where(9) } })).toEqual([]);
    expect(pathsOf({ event: { type: 'a', where: where(10) } })).toHaveLength(1);
  });

  it('checks comparisons the way computed attributes do (value by op)', () => {
    expect(pathsOf({ attribute: 'a', op: 'in', value: 'x' })).toEqual(['condition.value']);
    expect(pathsOf({ attribute: 'a', op: 'exists', value: 1 })).toEqual(['condition.value']);
    expect(pathsOf({ attribute: '', op: 'exists' })).toEqual(['condition.attribute']);
    expect(pathsOf({ attribute: 'a..b', op: 'exists' })).toEqual(['condition.attribute']);
  });

  it('refuses unknown names: computed attribute, namespace, audience', () => {
    expect(pathsOf({ computed: 'nope', op: 'exists' })).toEqual(['condition.computed']);
    expect(pathsOf({ computed: '_ev_0123', op: 'exists' })).toEqual(['condition.computed']);
    expect(pathsOf({ identity: 'Fax', op: 'exists' })).toEqual(['condition.identity']);
    expect(pathsOf({ identity: 'Email', op: 'eq' })).toEqual(['condition.op']);
    expect(pathsOf({ audience: 'ghost', op: 'member' })).toEqual(['condition.audience']);
    expect(pathsOf({ audience: 'vip', op: 'in' })).toEqual(['condition.op']);
  });

  it('checks an event condition part by part', () => {
    expect(pathsOf({ event: { type: [] } })).toEqual(['condition.event.type']);
    expect(pathsOf({ event: { type: 'a', extra: 1 } })).toEqual(['condition.event.extra']);
    expect(pathsOf({ event: { type: 'a', where: { field: 'x', op: 'gt' } } })).toEqual(['condition.event.where.value']);
    expect(pathsOf({ event: { type: 'a' }, window: { last: '3651d' } })).toEqual(['condition.window.last']);
    expect(pathsOf({ event: { type: 'a' }, window: { last: '1w' } })).toEqual(['condition.window.last']);
    expect(pathsOf({ event: { type: 'a' }, count: { op: 'in', value: -1 } })).toEqual(['condition.count.op', 'condition.count.value']);
    expect(pathsOf({ event: 'purchase' })).toEqual(['condition.event']);
  });
});
