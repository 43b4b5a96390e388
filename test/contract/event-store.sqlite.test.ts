import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import type { SqliteLogSubscription } from '../../src/event-store/sqlite/sqlite-log-subscription';
import { describeEventStoreContract } from './event-store.contract';

describeEventStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-es-'));
  const store = openSqliteEventStore(join(dir, 'events.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    buffered: (subscription) => (subscription as SqliteLogSubscription).buffered,
  };
});
