import { acquire, assertHolds, granted, holds, mayAcquire, ReadModelFencedError, released, renewed, type LeaseState } from './projector-lease';

const TTL = 1_000;
const ask = (holder: string, now: number) => ({ projector: 'profiles', holder, ttlMs: TTL, now });
const grantOf = (state: LeaseState) => ({ projector: 'profiles', holder: state.holder!, token: state.token });

describe('projector lease rules', () => {
  describe('acquire', () => {
    it('gives a lease nobody ever held to the first candidate, with token 1', () => {
      expect(acquire(undefined, ask('a', 100))).toEqual({ holder: 'a', token: 1, expiresAt: 100 + TTL });
    });

    it('refuses another candidate while the lease has not expired, up to the last millisecond', () => {
      const a = acquire(undefined, ask('a', 100))!;
      expect(acquire(a, ask('b', 100))).toBeUndefined();
      expect(acquire(a, ask('b', 100 + TTL - 1))).toBeUndefined();
    });

    it('gives an expired lease to the next candidate with the next token', () => {
      const a = acquire(undefined, ask('a', 100))!;
      expect(acquire(a, ask('b', 100 + TTL))).toEqual({ holder: 'b', token: 2, expiresAt: 100 + 2 * TTL });
    });

    it('gives a released lease at once, and keeps counting tokens up', () => {
      const a = acquire(undefined, ask('a', 100))!;
      const free = released(a, grantOf(a))!;
      expect(free).toEqual({ token: 1 });
      expect(acquire(free, ask('b', 101))).toEqual({ holder: 'b', token: 2, expiresAt: 101 + TTL });
    });

    it('lets the holder take it again (after stepping down), with a new token', () => {
      const a = acquire(undefined, ask('a', 100))!;
      expect(acquire(a, ask('a', 200))?.token).toBe(2);
    });

    it('grants a lease without expiry where the lock dies with its holder (SQLite)', () => {
      expect(granted({ token: 4 }, 'a', 100, undefined)).toEqual({ holder: 'a', token: 5 });
      expect(mayAcquire({ holder: 'a', token: 5 }, 'b', Number.MAX_SAFE_INTEGER)).toBe(false);
    });
  });

  describe('renew', () => {
    it('pushes the expiry out for the current holder only', () => {
      const a = acquire(undefined, ask('a', 100))!;
      expect(renewed(a, grantOf(a), 500, TTL)).toEqual({ holder: 'a', token: 1, expiresAt: 500 + TTL });
      expect(renewed(a, { ...grantOf(a), holder: 'b' }, 500, TTL)).toBeUndefined();
    });

    it('keeps an expired lease nobody took: its token is still current', () => {
      const a = acquire(undefined, ask('a', 100))!;
      expect(renewed(a, grantOf(a), 100 + 5 * TTL, TTL)?.token).toBe(1);
    });

    it('fails once another holder has taken it: the old holder must step down', () => {
      const a = acquire(undefined, ask('a', 100))!;
      const b = acquire(a, ask('b', 100 + TTL))!;
      expect(renewed(b, grantOf(a), 100 + TTL + 1, TTL)).toBeUndefined();
      expect(released(b, grantOf(a))).toBeUndefined();
    });
  });

  describe('fencing', () => {
    it('accepts writes under the current token and refuses a superseded one, whatever the clock', () => {
      const a = acquire(undefined, ask('a', 100))!;
      expect(holds(a, grantOf(a))).toBe(true);
      const b = acquire(a, ask('b', 100 + TTL))!;
      expect(holds(b, grantOf(b))).toBe(true);
      expect(holds(b, grantOf(a))).toBe(false);
      expect(() => assertHolds(b, grantOf(a))).toThrow(ReadModelFencedError);
      expect(() => assertHolds(b, grantOf(a))).toThrow(expect.objectContaining({ code: 'READ_MODEL_FENCED', status: 409 }));
    });

    it('refuses writes after release and where no lease exists', () => {
      const a = acquire(undefined, ask('a', 100))!;
      expect(holds(released(a, grantOf(a)), grantOf(a))).toBe(false);
      expect(holds(undefined, grantOf(a))).toBe(false);
    });

    it('never hands out a token twice: each change of holder adds one', () => {
      let state: LeaseState | undefined;
      const tokens: number[] = [];
      for (let i = 0; i < 5; i++) {
        state = acquire(state, ask(`p${i}`, i * TTL))!;
        tokens.push(state.token);
      }
      expect(tokens).toEqual([1, 2, 3, 4, 5]);
    });
  });
});
