import { AppError } from '../../common';

const UNAVAILABLE = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
];

/**
 * Vendor errors stop here: a busy, full or failing disk is "not available now" (the projector retries, a query gets
 * a 503); anything else is a bug and stays as it is. The original stays reachable as `cause`.
 */
export function translateSqliteError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !UNAVAILABLE.some((c) => code.startsWith(c))) return error;
  const translated = new AppError('READ_STORE_UNAVAILABLE', 503, `The read store cannot be used now (${code})`);
  translated.cause = error;
  return translated;
}

/** Runs synchronous better-sqlite3 work behind the async port, with its errors translated. */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(translateSqliteError(error));
  }
}
