import { deriveEventId } from './event-id';

describe('deriveEventId', () => {
  it('is stable for the same item and differs across sources and kinds', () => {
    const a = deriveEventId('record', 'crm', '1');
    expect(deriveEventId('record', 'crm', '1')).toBe(a);
    expect(deriveEventId('record', 'loyalty', '1')).not.toBe(a);
    expect(deriveEventId('event', 'crm', '1')).not.toBe(a);
  });

  it('cannot be confused by separators inside the values', () => {
    expect(deriveEventId('record', 'a', 'b\u0000c')).not.toBe(deriveEventId('record', 'a\u0000b', 'c'));
  });

  it('looks like a version-5 UUID', () => {
    expect(deriveEventId('link', 's', 'x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
