import fc from 'fast-check';
import { comparePositions } from '../event-store/position';
import { positionKey } from './position-key';

const part = fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }).map(String);
const position = fc.oneof(part, fc.tuple(part, part).map(([c, p]) => `${c}/${p}`));
const sign = (n: number) => Math.sign(n);

describe('positionKey', () => {
  it('orders as strings exactly as comparePositions orders the positions', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        const x = positionKey(a);
        const y = positionKey(b);
        expect(sign(x < y ? -1 : x > y ? 1 : 0)).toBe(sign(comparePositions(a, b)));
      }),
    );
  });

  it('refuses what is not a position', () => {
    expect(() => positionKey('12a')).toThrow(TypeError);
  });
});
