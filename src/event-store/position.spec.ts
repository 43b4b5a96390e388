import { comparePositions, isPosition, maxPosition } from './position';

describe('positions', () => {
  it('compare numerically, not as text', () => {
    expect(comparePositions('9', '10')).toBe(-1);
    expect(comparePositions('10', '9')).toBe(1);
    expect(comparePositions('42', '42')).toBe(0);
  });

  it('compare commit then prepare for EventStoreDB positions', () => {
    expect(comparePositions('100/5', '100/7')).toBe(-1);
    expect(comparePositions('101/0', '100/900')).toBe(1);
  });

  it('accept only digits, optionally two parts', () => {
    expect(isPosition('12')).toBe(true);
    expect(isPosition('12/13')).toBe(true);
    for (const bad of ['', '-1', '1.5', 'abc', '1/2/3', 12, null]) expect(isPosition(bad)).toBe(false);
  });

  it('maxPosition ignores undefined', () => {
    expect(maxPosition(undefined, '3')).toBe('3');
    expect(maxPosition('30', '4')).toBe('30');
  });
});
