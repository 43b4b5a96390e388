import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadStore } from '../../src/read-store';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import { describeReadStoreContract } from './read-store.contract';

describeReadStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
  const opened: ReadStore[] = [];
  return {
    open: async (options) => {
      const store = await openSqliteReadStore(join(dir, 'read.db'), options);
      opened.push(store);
      return store;
    },
    dispose: async () => {
      await Promise.all(opened.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
