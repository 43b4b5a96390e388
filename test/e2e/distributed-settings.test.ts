import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, TesseraConfig } from '../../src/config/config';
import type { EventStore } from '../../src/event-store/event-store.port';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import { IdentitySettingsService } from '../../src/identity/identity-settings.service';
import { MetricsService } from '../../src/metrics/metrics.service';
import { IngestItemsCommand } from '../../src/ingestion/ingest-items.command';
import { IngestItemsHandler } from '../../src/ingestion/ingest-items.handler';

/**
 * Two instances sharing one log, as in distributed mode: one registers a namespace, the other meets it in an item
 * before it has re-read the settings. Real SQLite stores on one file stand in for the shared EventStoreDB.
 */
const loyaltyEvent = {
  id: 'l-1',
  source: 'loyalty',
  type: 'pointsEarned',
  timestamp: '2024-05-01T12:00:00Z',
  identities: [{ namespace: 'Loyalty', id: 'L-1' }],
};

describe('IngestItemsHandler with settings changed by another instance', () => {
  let dir: string;
  let stores: EventStore[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-handler-'));
    stores = [];
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function instance(mode: TesseraConfig['mode']) {
    const config: TesseraConfig = { ...parseConfig({ DATA_DIR: dir, IDENTITY_HASH_KEY: 'k'.repeat(32) }), mode };
    const store = openSqliteEventStore(join(dir, 'events.sqlite'));
    stores.push(store);
    const settings = new IdentitySettingsService(store, config);
    await settings.onModuleInit();
    return { settings, handler: new IngestItemsHandler(store, config, settings, new MetricsService()) };
  }

  it('distributed: re-reads the settings before rejecting an unknown namespace', async () => {
    const ingesting = await instance('distributed');
    const admin = await instance('distributed');
    await admin.settings.change({ namespaces: [{ code: 'CRMID', type: 'person', unique: true }, { code: 'Loyalty', type: 'partner' }] });
    const [result] = await ingesting.handler.execute(new IngestItemsCommand([{ kind: 'event', body: loyaltyEvent }], false));
    expect(result).toMatchObject({ status: 202, id: 'l-1' });
    expect(ingesting.settings.current().version).toBe(1);
  });

  it('distributed: still rejects a namespace nobody registered', async () => {
    const ingesting = await instance('distributed');
    const [result] = await ingesting.handler.execute(new IngestItemsCommand([{ kind: 'event', body: loyaltyEvent }], false));
    expect(result).toMatchObject({ status: 422, error: { code: 'UNKNOWN_NAMESPACE' } });
  });

  it('embedded: the in-memory settings are the truth (one process owns the log)', async () => {
    const ingesting = await instance('embedded');
    const [before] = await ingesting.handler.execute(new IngestItemsCommand([{ kind: 'event', body: loyaltyEvent }], false));
    expect(before.error?.code).toBe('UNKNOWN_NAMESPACE');
    await ingesting.settings.change({ namespaces: [{ code: 'Loyalty', type: 'partner' }] });
    const [after] = await ingesting.handler.execute(new IngestItemsCommand([{ kind: 'event', body: loyaltyEvent }], false));
    expect(after.status).toBe(202);
  });
});
