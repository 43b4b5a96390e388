import { AppError, unavailable } from '../../common';

const UNAVAILABLE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY']);

/** Vendor errors stop here: a busy, full or failing disk is "not available now", anything else stays as it is. */
export function translateSqliteError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && [...UNAVAILABLE].some((c) => code.startsWith(c))) {
    return unavailable('EVENT_STORE_UNAVAILABLE', `The event log cannot be written now (${code})`);
  }
  return error;
}
