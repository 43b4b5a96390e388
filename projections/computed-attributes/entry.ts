/**
 * One matching event as the window engine keeps it: its own timestamp `t` (epoch ms), its log position `o` (the
 * tie-break between events of one timestamp, so every order the engine uses is total and a rebuild agrees), and the
 * value it contributes `v` (absent for a plain count). JSON as stored.
 */
export interface Entry {
  t: number;
  o: string;
  v?: unknown;
}

/** Log positions compare numerically part by part ("42", "1234/1230"), as src/event-store/position.ts defines. */
export function comparePositions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    if (x.length !== y.length) return x.length < y.length ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** By timestamp, then by log position. */
export function compareEntries(a: Entry, b: Entry): number {
  return a.t !== b.t ? (a.t < b.t ? -1 : 1) : comparePositions(a.o, b.o);
}

/** Inserts `entry` into a list sorted by compareEntries; usually it is the newest, so this is a push. */
export function insertSorted(list: Entry[], entry: Entry): void {
  let lo = 0;
  let hi = list.length;
  if (hi === 0 || compareEntries(list[hi - 1], entry) < 0) {
    list.push(entry);
    return;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(list[mid], entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, entry);
}

/** Scalars' order for min and max: numbers numerically, strings lexicographically, every number before any string. */
export function compareScalars(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return a === b ? 0 : a < b ? -1 : 1;
  return typeof a === 'number' ? -1 : 1;
}
