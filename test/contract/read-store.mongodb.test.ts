import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { openReadStore, type ReadStore } from '../../src/read-store';
import { openMongoReadStore } from '../../src/read-store/mongodb';
import { startJongodb, type Jongodb } from '../support/jongodb';
import { writeBatch } from '../../src/read-store/mongodb/mongo-batch-writer';
import { readModelCollections } from '../../src/read-store/mongodb/mongo-collections';
import { MongoLease } from '../../src/read-store/mongodb/mongo-lease';
import { node } from './read-store.fixtures';
import { describeReadStoreContract } from './read-store.contract';
import type { ReadStoreHarness } from './read-store.fixtures';

/** Each case gets a database of its own on the shared server, dropped afterwards where the server can. */
async function mongoHarness(url: string): Promise<ReadStoreHarness> {
  const dbName = `tessera_rs_${randomUUID().replace(/-/g, '')}`;
  const opened: ReadStore[] = [];
  return {
    open: async (options) => {
      const store = await openReadStore({ kind: 'mongodb', url, dbName }, options);
      opened.push(store);
      return store;
    },
    dispose: async () => {
      await Promise.all(opened.map((s) => s.close()));
      const client = await MongoClient.connect(url);
      // jongodb has no dropDatabase; its data dies with the process, so there is nothing to clean up there.
      await client.db(dbName).dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

let jongodb: Jongodb | undefined;
beforeAll(async () => {
  jongodb = await startJongodb();
});
afterAll(() => jongodb?.stop());

describeReadStoreContract('mongodb on jongodb', () => mongoHarness(jongodb!.uri));

const realServer = process.env.MONGODB_URL;
if (realServer) {
  describeReadStoreContract('mongodb on MONGODB_URL', () => mongoHarness(realServer));
} else {
  describe.skip('ReadStore contract: mongodb on a real server (set MONGODB_URL to run)', () => {
    it('holds the MongoDB adapter to the contract on a real MongoDB', () => undefined);
  });
}

describe('MongoDB read store: vendor errors', () => {
  it('reports an unreachable server as READ_STORE_UNAVAILABLE', async () => {
    const stopped = await startJongodb();
    await stopped.stop();
    const opening = openMongoReadStore(stopped.uri, { client: { serverSelectionTimeoutMS: 300 } });
    await expect(opening).rejects.toMatchObject({ code: 'READ_STORE_UNAVAILABLE', status: 503 });
  });
});

describe('MongoDB read store: the lease fences the checkpoint itself', () => {
  it('refuses the checkpoint of a holder that passed the lease check and then paused while a standby took over', async () => {
    const dbName = `tessera_fence_${randomUUID().replace(/-/g, '')}`;
    const client = await MongoClient.connect(jongodb!.uri);
    const c = readModelCollections(client.db(dbName), 'v1_');
    const paused = new MongoLease(c);
    const now = Date.now();
    await paused.acquire({ projector: 'profiles', holder: 'paused', ttlMs: 1000, now });
    await writeBatch(c, {}, { projector: 'profiles', position: '5' }, paused);
    const standby = await openMongoReadStore(jongodb!.uri, { dbName });
    expect(await standby.acquireLease({ projector: 'profiles', holder: 'standby', ttlMs: 1000, now: now + 5000 })).toBeDefined();
    // Its check before writing ran before the takeover; what it writes next is what the server must refuse.
    jest.spyOn(paused, 'assertFence').mockResolvedValueOnce(undefined);
    await expect(writeBatch(c, { nodes: { upsert: [node('CRMID:late')] } }, { projector: 'profiles', position: '9' }, paused)).rejects.toMatchObject({
      code: 'READ_MODEL_FENCED',
    });
    expect(await standby.getCheckpoint('profiles')).toBe('5');
    await standby.commit({}, { projector: 'profiles', position: '6' });
    expect(await standby.getCheckpoint('profiles')).toBe('6');
    await Promise.all([standby.close(), client.close()]);
  });
});
