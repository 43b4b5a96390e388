import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heldFsync } from './held-fsync.fixture';
import { WalSync } from './wal-sync';

describe('WalSync after a failed fsync', () => {
  it('fails every later sync with the same error without trying again: the kernel may have dropped the pages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-walsync-'));
    writeFileSync(join(dir, 'x-wal'), '');
    const held = heldFsync();
    const wal = WalSync.open(join(dir, 'x-wal'), held.fsync);
    try {
      const failing = wal.sync();
      const queued = wal.sync();
      const error = new Error('EIO');
      held.started[0].fail(error);
      await expect(failing).rejects.toBe(error);
      await expect(queued).rejects.toBe(error);
      await expect(wal.sync()).rejects.toBe(error);
      expect(held.started).toHaveLength(1);
    } finally {
      await wal.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
