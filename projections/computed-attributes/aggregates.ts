import type { ComputedFunction } from './definition';
import { compareEntries, compareScalars, type Entry } from './entry';
import { addExact, roundExact, type Partials } from './exact-sum';

/**
 * The running aggregate of one function over the entries that count, as stored (JSON). `add` takes any entry,
 * `removeOldest` the oldest counted one (windows lapse oldest first) given those left, `absorb` merges another
 * person's aggregate into a fresh one (a graph's value is the merge of its primary identities'), `value` answers
 * API.md's value (its zero values without entries). `add`, `removeOldest` and `absorb` mutate their first argument.
 */
export interface Aggregate<A> {
  empty(): A;
  add(acc: A, entry: Entry): void;
  removeOldest(acc: A, entry: Entry, remaining: readonly Entry[]): void;
  absorb(into: A, other: A): void;
  value(acc: A): unknown;
}

interface Counted { n: number }
interface Summed { p: Partials; n: number }
interface Extreme { x?: number | string }
interface Picked { e?: Entry }
/** Per distinct value (keyed by valueKey): the value, how often it counts, and its most recent entry's t and o. */
interface Distinct { d: Record<string, { v: unknown; n: number; t: number; o: string }> }

const LIST_LIMIT = 100;

const count: Aggregate<Counted> = {
  empty: () => ({ n: 0 }),
  add: (acc) => void (acc.n += 1),
  removeOldest: (acc) => void (acc.n -= 1),
  absorb: (into, other) => void (into.n += other.n),
  value: (acc) => acc.n,
};

const summed = (value: (acc: Summed) => unknown): Aggregate<Summed> => ({
  empty: () => ({ p: [], n: 0 }),
  add: (acc, e) => { addExact(acc.p, e.v as number); acc.n += 1; },
  removeOldest: (acc, e) => { addExact(acc.p, -(e.v as number)); acc.n -= 1; },
  absorb: (into, other) => { for (const x of other.p) addExact(into.p, x); into.n += other.n; },
  value,
});

const extreme = (sign: 1 | -1): Aggregate<Extreme> => {
  const better = (a: unknown, b: unknown) => sign * compareScalars(a, b) > 0;
  const take = (acc: Extreme, v: number | string | undefined) => {
    if (v !== undefined && (acc.x === undefined || better(v, acc.x))) acc.x = v;
  };
  return {
    empty: () => ({}),
    add: (acc, e) => take(acc, e.v as number | string),
    removeOldest: (acc, e, remaining) => {
      if (acc.x === undefined || compareScalars(e.v, acc.x) !== 0) return;
      delete acc.x;
      for (const r of remaining) take(acc, r.v as number | string);
    },
    absorb: (into, other) => take(into, other.x),
    value: (acc) => acc.x ?? null,
  };
};

const picked = (sign: 1 | -1): Aggregate<Picked> => {
  const take = (acc: Picked, e: Entry | undefined) => {
    if (e && (acc.e === undefined || sign * compareEntries(e, acc.e) > 0)) acc.e = e;
  };
  return {
    empty: () => ({}),
    add: take,
    removeOldest: (acc, _e, remaining) => {
      if (remaining.length === 0) delete acc.e;
      else if (sign < 0) acc.e = remaining[0];
    },
    absorb: (into, other) => take(into, other.e),
    value: (acc) => acc.e?.v ?? null,
  };
};

/** Canonical key of a scalar: its type and value, so "1" and 1 are two values. */
export function valueKey(v: unknown): string {
  return `${typeof v === 'string' ? 's' : typeof v === 'number' ? 'n' : 'b'}:${String(v)}`;
}

const distinct = (value: (acc: Distinct) => unknown): Aggregate<Distinct> => ({
  empty: () => ({ d: {} }),
  add: (acc, e) => mergeDistinct(acc, valueKey(e.v), { v: e.v, n: 1, t: e.t, o: e.o }),
  removeOldest: (acc, e) => {
    const key = valueKey(e.v);
    const slot = acc.d[key];
    if (slot && --slot.n === 0) delete acc.d[key];
  },
  absorb: (into, other) => { for (const [key, slot] of Object.entries(other.d)) mergeDistinct(into, key, { ...slot }); },
  value,
});

function mergeDistinct(acc: Distinct, key: string, slot: Distinct['d'][string]): void {
  const current = Object.prototype.hasOwnProperty.call(acc.d, key) ? acc.d[key] : undefined;
  if (!current) {
    acc.d[key] = slot;
    return;
  }
  current.n += slot.n;
  if (compareEntries(slot, current) > 0) [current.t, current.o] = [slot.t, slot.o];
}

/** Most frequent; a tie goes to the value seen most recently. */
function mostFrequent(acc: Distinct): unknown {
  let best: Distinct['d'][string] | undefined;
  for (const slot of Object.values(acc.d)) {
    if (!best || slot.n > best.n || (slot.n === best.n && compareEntries(slot, best) > 0)) best = slot;
  }
  return best ? best.v : null;
}

function recentList(acc: Distinct): unknown[] {
  return Object.values(acc.d).sort((a, b) => compareEntries(b, a)).slice(0, LIST_LIMIT).map((s) => s.v);
}

export const AGGREGATES: { [F in ComputedFunction]: Aggregate<any> } = {
  count,
  sum: summed((acc) => roundExact(acc.p)),
  avg: summed((acc) => (acc.n === 0 ? null : roundExact(acc.p) / acc.n)),
  min: extreme(-1),
  max: extreme(1),
  first: picked(-1),
  last: picked(1),
  distinctCount: distinct((acc) => Object.keys(acc.d).length),
  mostFrequent: distinct(mostFrequent),
  list: distinct(recentList),
};
