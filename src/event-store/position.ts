/**
 * A position names a point in the global log. It is opaque to clients; inside, it is one or more non-negative
 * integers joined by '/': SQLite uses its global sequence ("42"), EventStoreDB its commit and prepare positions
 * ("1234/1234"). Comparison is numeric, part by part, so every adapter's positions order correctly.
 */
export type Position = string;

const POSITION = /^\d{1,20}(\/\d{1,20})?$/;

export function isPosition(value: unknown): value is Position {
  return typeof value === 'string' && POSITION.test(value);
}

export function comparePositions(a: Position, b: Position): number {
  const pa = a.split('/').map(BigInt);
  const pb = b.split('/').map(BigInt);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0n;
    const y = pb[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function maxPosition(a: Position | undefined, b: Position | undefined): Position | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return comparePositions(a, b) >= 0 ? a : b;
}
