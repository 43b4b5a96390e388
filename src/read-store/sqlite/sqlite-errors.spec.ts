import Database from 'better-sqlite3';
import { AppError } from '../../common/app-error';
import { settle, translateSqliteError } from './sqlite-errors';

describe('SQLite error translation', () => {
  it('turns a busy, full or read-only database into READ_STORE_UNAVAILABLE', async () => {
    const vendor = new Database.SqliteError('database is locked', 'SQLITE_BUSY');
    const failing = settle(() => {
      throw vendor;
    });
    await expect(failing).rejects.toMatchObject({ code: 'READ_STORE_UNAVAILABLE', status: 503 });
    const full = translateSqliteError(new Database.SqliteError('disk full', 'SQLITE_FULL')) as AppError;
    expect(full).toBeInstanceOf(AppError);
    expect(full.cause).toBeInstanceOf(Database.SqliteError);
  });

  it('leaves bugs (constraint violations, our own errors) as they are', () => {
    const constraint = new Database.SqliteError('NOT NULL constraint failed', 'SQLITE_CONSTRAINT_NOTNULL');
    expect(translateSqliteError(constraint)).toBe(constraint);
    const own = new AppError('READ_STORE_BAD_CURSOR', 400, 'bad');
    expect(translateSqliteError(own)).toBe(own);
  });

  it('resolves with what the work returns', async () => {
    await expect(settle(() => 42)).resolves.toBe(42);
  });
});
