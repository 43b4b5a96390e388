import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, badRequest, WrongExpectedRevisionError } from './app-error';
import { ERROR_CODES, isErrorCode, statusOf } from './error-codes';

/** Every .ts file under src/ that is not a spec: where the service throws its errors. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the error-code catalogue', () => {
  it('names every code in UPPER_SNAKE with a status and a role; a replaced code points at a listed one', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(entry.role.length).toBeGreaterThan(5);
      const replacedBy = (entry as { replacedBy?: string }).replacedBy;
      if (replacedBy) expect(isErrorCode(replacedBy) && statusOf(replacedBy)).toBe(entry.status);
    }
  });

  it('gives AppError its status, in both constructor forms', () => {
    expect(new AppError('PROFILE_NOT_FOUND', 'gone')).toMatchObject({ status: 404, message: 'gone', details: [] });
    const details = [{ path: 'identities[0]', message: 'x' }];
    expect(new AppError('UNKNOWN_NAMESPACE', 422, 'no', details)).toMatchObject({ status: 422, message: 'no', details });
    expect(badRequest('LIMIT_INVALID', 'bad')).toMatchObject({ status: 400, code: 'LIMIT_INVALID' });
    expect(new WrongExpectedRevisionError('s', '1', '2')).toMatchObject({ status: 409, code: 'STREAM_REVISION_CONFLICT' });
  });

  it('agrees with every status still written beside a code in the source (the older AppError form)', () => {
    const written = /(?:new AppError|super)\(\s*'([A-Z][A-Z0-9_]*)',\s*(\d{3})\b/g;
    const disagreements: string[] = [];
    for (const file of sourceFiles(join(__dirname, '..'))) {
      for (const [, code, status] of readFileSync(file, 'utf8').matchAll(written)) {
        if (!isErrorCode(code)) disagreements.push(`${file}: ${code} is not in the catalogue`);
        else if (statusOf(code) !== Number(status)) disagreements.push(`${file}: ${code} ${status}, catalogue ${statusOf(code)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
