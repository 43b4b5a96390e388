import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadStore, type ReadStore } from '../../src/read-store';
import { describeReadStoreContract, fullBatch } from './read-store.contract';
import { opaque } from './read-store.fixtures';

/** The holder keeps its lock on the removed file; the next candidate locks a new one at the same path. */
function removeLeaseLocks(dir: string): void {
  for (const name of readdirSync(dir)) if (name.includes('-lease-')) rmSync(join(dir, name));
}

describeReadStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
  const opened: ReadStore[] = [];
  return {
    open: async (options) => {
      const store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read.db') }, options);
      opened.push(store);
      return store;
    },
    dispose: async () => {
      await Promise.all(opened.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
    lapseLease: async () => removeLeaseLocks(dir),
  };
});

// A rebuild target in its own file gives up durability, not behaviour: the same contract holds.
describeReadStoreContract('sqlite, throwaway durability', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
  const opened: ReadStore[] = [];
  return {
    open: async (options) => {
      const store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read.db') }, { ...options, durability: 'throwaway' });
      opened.push(store);
      return store;
    },
    dispose: async () => {
      await Promise.all(opened.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
    lapseLease: async () => removeLeaseLocks(dir),
  };
});

describe('SQLite read store: one transaction per batch', () => {
  let dir: string;
  let store: ReadStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
    store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves no trace of a batch that fails part-way', async () => {
    const broken = fullBatch();
    broken.events?.push({ ...broken.events[0], eventId: 'bad', doc: opaque({ total: BigInt(1) }) });
    await expect(store.commit(broken, { projector: 'graph', position: '5' })).rejects.toThrow(TypeError);
    expect(await store.getCheckpoint('graph')).toBeUndefined();
    expect(await store.getNodesOfGraphs(['CRMID:tom'])).toEqual([]);
    expect(await store.getEventStats(['CRMID:tom', 'ECID:111'])).toEqual([]);
    expect((await store.listProfiles({ limit: 10 })).items).toEqual([]);
  });
});
