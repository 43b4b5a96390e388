import { badRequest } from '../common';

/**
 * Cursors are opaque to clients: base64url of the JSON sort key of the last item served. Decoding checks the
 * shape, so a tampered or foreign cursor is a 400, never a database error.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor<T extends readonly (string | number)[]>(
  cursor: string,
  shape: { [K in keyof T]: T[K] extends number ? 'number' : 'string' },
): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const fits =
    Array.isArray(parsed) &&
    parsed.length === shape.length &&
    parsed.every((v, i) => typeof v === shape[i] && (typeof v !== 'number' || Number.isFinite(v)));
  if (!fits) throw badCursor();
  return parsed as unknown as T;
}

function badCursor() {
  return badRequest('READ_STORE_BAD_CURSOR', 'The cursor is not one this query returned');
}
