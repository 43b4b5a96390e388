/**
 * Exact sums of doubles (Shewchuk's non-overlapping partials, as in Python's math.fsum). The partials hold the exact
 * sum, so adding and subtracting values in any order, or merging two sums, yields the same correctly rounded total:
 * a windowed sum that drops its oldest value, a merge of two people's sums and a rebuild in another order all agree
 * to the last bit, with no drift.
 */
export type Partials = number[];

/** Adds `x` to the partials in place (finite values only: callers bound their inputs). */
export function addExact(partials: Partials, value: number): void {
  let x = value;
  let i = 0;
  for (const original of partials) {
    let y = original;
    if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  if (x !== 0) partials.push(x);
}

/** The exact sum, correctly rounded to the nearest double (ties to even). */
export function roundExact(partials: readonly Partials[number][]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n];
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi === 0 ? 0 : hi;
}
