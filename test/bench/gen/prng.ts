/**
 * A seeded PRNG (mulberry32) and the few draws the workload needs. Math.random is never used, so a seed always
 * yields the same workload byte for byte.
 */
export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
  hex(length: number): string;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    hex: (length) => {
      let out = '';
      while (out.length < length) out += (Math.floor(next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
      return out.slice(0, length);
    },
  };
}
