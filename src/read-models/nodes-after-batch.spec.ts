import type { IdentityNode } from '../../projections/model';
import { nodesAfterBatch } from './nodes-after-batch';

const node = (key: string, graphId: string): IdentityNode => ({ key, graphId, namespace: key.split(':')[0], id: key.split(':')[1], firstSeen: 1, lastSeen: 1 });

describe('nodesAfterBatch', () => {
  it('answers the graphs’ members as the batch leaves them: rewritten nodes move, deleted ones go, untouched ones stay', () => {
    const stored = [node('CRMID:a', 'CRMID:a'), node('Email:b', 'CRMID:a'), node('ECID:c', 'CRMID:a'), node('ECID:d', 'CRMID:a')];
    // A split: Email:b leaves for a graph of its own, ECID:c is erased, ECID:z joins.
    const batch = { upsert: [node('Email:b', 'Email:b'), node('ECID:z', 'CRMID:a'), node('CRMID:a', 'CRMID:a')], delete: ['ECID:c'] };
    expect(nodesAfterBatch(stored, batch, ['CRMID:a', 'Email:b']).map((n) => [n.key, n.graphId])).toEqual([
      ['CRMID:a', 'CRMID:a'],
      ['ECID:d', 'CRMID:a'],
      ['ECID:z', 'CRMID:a'],
      ['Email:b', 'Email:b'],
    ]);
  });

  it('leaves out graphs not asked for, and answers the stored nodes when the batch writes none', () => {
    const stored = [node('CRMID:a', 'CRMID:a'), node('CRMID:q', 'CRMID:q')];
    expect(nodesAfterBatch(stored, { upsert: [node('Email:x', 'Email:x')] }, ['CRMID:a'])).toEqual([stored[0]]);
    expect(nodesAfterBatch(stored, undefined, ['CRMID:a', 'CRMID:q'])).toEqual(stored);
  });
});
