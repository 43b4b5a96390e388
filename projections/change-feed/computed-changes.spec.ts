import { computedChanges } from './computed-changes';

describe('computedChanges', () => {
  const zero = { orders: 0, skus: [], top: null };

  it('names each changed value with its new value, in name order; unchanged values are not reported', () => {
    expect(computedChanges('p1', { orders: 1, skus: ['a'], top: 3 }, { top: 5, orders: 2, skus: ['a'] }, zero)).toEqual([
      { type: 'computed.changed', profileId: 'p1', name: 'orders', value: 2 },
      { type: 'computed.changed', profileId: 'p1', name: 'top', value: 5 },
    ]);
  });

  it('a profile (or a definition) without values counts from the zero value', () => {
    expect(computedChanges('p1', undefined, { orders: 0, skus: ['x'], top: null }, zero)).toEqual([
      { type: 'computed.changed', profileId: 'p1', name: 'skus', value: ['x'] },
    ]);
    expect(computedChanges('p1', { orders: 1 }, { orders: 1, top: 4 }, zero)).toEqual([{ type: 'computed.changed', profileId: 'p1', name: 'top', value: 4 }]);
  });

  it('lists compare by content, and a name only the old values hold (a deleted definition) is not an item', () => {
    expect(computedChanges('p1', { skus: ['a', 'b'], gone: 3 }, { skus: ['a', 'b'] }, zero)).toEqual([]);
  });
});
