import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileForNode } from '../support/compile-for-node';

/**
 * The read store's checkpoint thread is unref'd so that it never keeps a process alive; a close that waited for it
 * with nothing else on the loop let node exit in the middle of the close: the process ended with code 0, the code
 * after `close()` never ran and the WAL was left behind (seen in the benches and the ingest-only request path).
 */
describe('closing the SQLite read store with nothing else on the event loop', () => {
  let dir: string;
  let child: { script: string; env: NodeJS.ProcessEnv };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-read-store-close-'));
    child = compileForNode(join(__dirname, 'read-store-close.child.ts'), join(dir, 'build'));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finishes the close before the process ends, and the last connection removes the WAL', () => {
    const file = join(dir, 'read-models.sqlite');
    const run = spawnSync(process.execPath, [child.script, file], { env: child.env, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('CLOSED\n');
    expect(run.status).toBe(0);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
