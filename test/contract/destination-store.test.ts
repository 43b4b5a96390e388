import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationDefinition } from '../../src/destinations/destination';
import type { DestinationStore } from '../../src/destinations/destination-store.port';
import { openMongoDestinationStore } from '../../src/destinations/store/mongodb';
import { openSqliteDestinationStore } from '../../src/destinations/store/sqlite';
import { startJongodb, type Jongodb } from '../support/jongodb';

/** Both destination stores keep the same promises: definitions replaced without touching progress, progress per id. */
const definition = (id: string, changes: Partial<DestinationDefinition> = {}): DestinationDefinition => ({
  id,
  url: 'http://127.0.0.1:9/hook',
  types: [],
  audiences: [],
  enabled: true,
  ...changes,
});

function describeDestinationStore(name: string, open: () => Promise<{ store: DestinationStore; dispose(): Promise<void> }>) {
  describe(`destination store: ${name}`, () => {
    let store: DestinationStore;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ store, dispose } = await open());
    });
    afterEach(() => dispose());

    it('creates with a secret and a starting cursor; a second put replaces the definition and keeps both', async () => {
      expect(await store.put(definition('a'), { secret: 'whsec_one', cursor: 'c1', createdAt: 5 })).toEqual({ created: true });
      expect(await store.put(definition('a', { url: 'https://x.io/h', types: ['profile.merged'] }), { secret: 'whsec_two', createdAt: 9 })).toEqual({ created: false });
      expect(await store.get('a')).toMatchObject({ id: 'a', url: 'https://x.io/h', types: ['profile.merged'], secret: 'whsec_one', cursor: 'c1', createdAt: 5 });
    });

    it('stores progress per destination and disables with a reason', async () => {
      await store.put(definition('a'), { secret: 's', createdAt: 1 });
      await store.put(definition('b'), { secret: 's', createdAt: 1 });
      await store.saveProgress('a', { cursor: 'c9', lastDeliveredAt: 77, lastError: 'HTTP 500', failingSince: 70 });
      expect(await store.get('a')).toMatchObject({ cursor: 'c9', lastDeliveredAt: 77, lastError: 'HTTP 500', failingSince: 70 });
      expect((await store.get('b'))?.cursor).toBeUndefined();
      await store.disable('a', 'HTTP 410');
      expect(await store.get('a')).toMatchObject({ enabled: false, disabledReason: 'HTTP 410', cursor: 'c9' });
      expect((await store.get('a'))?.failingSince).toBeUndefined();
      expect((await store.list()).map((d) => d.id)).toEqual(['a', 'b']);
      expect(await store.delete('a')).toBe(true);
      expect(await store.delete('a')).toBe(false);
      expect(await store.get('a')).toBeUndefined();
    });
  });
}

describeDestinationStore('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-dest-'));
  const store = openSqliteDestinationStore(join(dir, 'destinations.sqlite'));
  return { store, dispose: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
});

let jongodb: Jongodb | undefined;
let n = 0;
beforeAll(async () => {
  jongodb = await startJongodb();
}, 30_000);
afterAll(() => jongodb?.stop());
describeDestinationStore('mongodb on jongodb', async () => {
  const store = await openMongoDestinationStore(jongodb!.uri, `dest_${process.pid}_${n++}`);
  return { store, dispose: () => store.close() };
});
