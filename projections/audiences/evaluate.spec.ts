import type { Condition } from '../conditions';
import { viewOf } from './audiences.fixture';
import { anonymousName } from './compile-event';
import { evaluateCondition } from './evaluate';

const holds = (condition: Condition, view = viewOf({}), members: string[] = []) =>
  evaluateCondition(condition, view, new Set(members));

describe('evaluating a condition against a profile', () => {
  const tom = viewOf({
    attributes: { firstName: 'Tom', address: { city: 'Basel' }, tags: ['gold'], born: '1980-05-01', score: 7 },
    computed: { orders: 3, lastChannel: null },
    namespaces: ['CRMID', 'Email'],
  });

  it('attribute: the merged value at a leaf path, with the operators of projections/conditions', () => {
    expect(holds({ attribute: 'address.city', op: 'eq', value: 'Basel' }, tom)).toBe(true);
    expect(holds({ attribute: 'address.city', op: 'in', value: ['Bern', 'Zug'] }, tom)).toBe(false);
    expect(holds({ attribute: 'born', op: 'lt', value: '1990-01-01' }, tom)).toBe(true);
    expect(holds({ attribute: 'score', op: 'gte', value: 7 }, tom)).toBe(true);
    expect(holds({ attribute: 'tags', op: 'contains', value: 'gold' }, tom)).toBe(true);
    expect(holds({ attribute: 'address', op: 'exists' }, tom)).toBe(true);
    expect(holds({ attribute: 'phone', op: 'notExists' }, tom)).toBe(true);
    expect(holds({ attribute: 'firstName.x', op: 'exists' }, tom)).toBe(false);
  });

  it('attribute paths never reach the prototype', () => {
    expect(holds({ attribute: 'constructor', op: 'exists' }, tom)).toBe(false);
    expect(holds({ attribute: '__proto__.toString', op: 'exists' }, tom)).toBe(false);
  });

  it('computed: the current value; null and absent do not exist', () => {
    expect(holds({ computed: 'orders', op: 'gt', value: 2 }, tom)).toBe(true);
    expect(holds({ computed: 'lastChannel', op: 'exists' }, tom)).toBe(false);
    expect(holds({ computed: 'unknown', op: 'notExists' }, tom)).toBe(true);
  });

  it('identity: whether the profile holds an identity of the namespace', () => {
    expect(holds({ identity: 'Email', op: 'exists' }, tom)).toBe(true);
    expect(holds({ identity: 'ECID', op: 'exists' }, tom)).toBe(false);
    expect(holds({ identity: 'ECID', op: 'notExists' }, tom)).toBe(true);
  });

  it('event: the anonymous count against the count op (default at least one; eq 0 means none)', () => {
    const bought = { event: { type: 'purchase' }, window: { last: '30d' } };
    const name = anonymousName(bought);
    const twice = viewOf({ computed: { [name]: 2 } });
    expect(holds(bought, twice)).toBe(true);
    expect(holds({ ...bought, count: { op: 'gte', value: 3 } }, twice)).toBe(false);
    expect(holds({ ...bought, count: { op: 'eq', value: 0 } }, twice)).toBe(false);
    expect(holds(bought, viewOf({}))).toBe(false);
    expect(holds({ ...bought, count: { op: 'eq', value: 0 } }, viewOf({}))).toBe(true);
  });

  it('audience: membership as evaluated before it in dependency order', () => {
    expect(holds({ audience: 'vip', op: 'member' }, tom, ['vip'])).toBe(true);
    expect(holds({ audience: 'vip', op: 'notMember' }, tom, ['vip'])).toBe(false);
    expect(holds({ audience: 'vip', op: 'notMember' }, tom)).toBe(true);
  });

  it('and / or / not combine', () => {
    const email = { identity: 'Email', op: 'exists' } as const;
    const fax = { identity: 'Fax', op: 'exists' } as const;
    expect(holds({ and: [email, fax] }, tom)).toBe(false);
    expect(holds({ or: [email, fax] }, tom)).toBe(true);
    expect(holds({ not: fax }, tom)).toBe(true);
    expect(holds({ and: [email, { not: { or: [fax] } }] }, tom)).toBe(true);
  });
});
