import { anonymousName } from './compile-event';
import { explainCondition, type ExplainView } from './explain';

const bought = { event: { type: 'purchase' }, window: { last: '30d' } } as const;
const record = { source: 'crm', timestamp: '2024-05-01T12:00:00.000Z', recordId: 'crm-42' };
const view: ExplainView = {
  attributes: { address: { city: 'Basel', zip: '4051' } },
  computed: { orders: 3, [anonymousName(bought)]: 2 },
  namespaces: new Set(['Email']),
  provenance: { 'address.city': record, 'address.zip': { ...record, recordId: 'crm-43' } },
  identities: [{ namespace: 'Email', id: 'tom@acme.com' }],
  memberships: new Map([['vip', { audienceId: 'vip', enteredAt: '2024-05-02T00:00:00.000Z', cause: { kind: 'item' } }]]),
  matchingEvents: (name) => (name === anonymousName(bought) ? ['e-2', 'e-1'] : []),
};

describe('explain: every node matched or not, every leaf with its evidence', () => {
  it('annotates the whole tree', () => {
    const explained = explainCondition(
      { and: [{ attribute: 'address.city', op: 'eq', value: 'Basel' }, { not: { identity: 'Email', op: 'exists' } }] },
      view,
    );
    expect(explained).toEqual({
      matched: false,
      and: [
        { attribute: 'address.city', op: 'eq', value: 'Basel', matched: true, evidence: { value: 'Basel', records: [{ path: 'address.city', ...record }] } },
        {
          matched: false,
          not: { identity: 'Email', op: 'exists', matched: true, evidence: { identities: [{ namespace: 'Email', id: 'tom@acme.com' }] } },
        },
      ],
    });
  });

  it('an object path shows the record of every leaf under it', () => {
    const explained = explainCondition({ attribute: 'address', op: 'exists' }, view);
    expect((explained.evidence as { records: unknown[] }).records).toHaveLength(2);
  });

  it('computed values, counted event ids and audience memberships', () => {
    expect(explainCondition({ computed: 'orders', op: 'gte', value: 5 }, view)).toMatchObject({ matched: false, evidence: { value: 3 } });
    expect(explainCondition(bought, view)).toMatchObject({ matched: true, evidence: { count: 2, eventIds: ['e-2', 'e-1'] } });
    expect(explainCondition({ or: [{ audience: 'vip', op: 'member' }, { audience: 'gold', op: 'member' }] }, view)).toEqual({
      matched: true,
      or: [
        { audience: 'vip', op: 'member', matched: true, evidence: { member: true, enteredAt: '2024-05-02T00:00:00.000Z' } },
        { audience: 'gold', op: 'member', matched: false, evidence: { member: false } },
      ],
    });
  });
});
