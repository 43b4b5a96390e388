import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { openReadStore, type ReadStore } from '../../src/read-store';
import { MongoReadStore, openMongoReadStore } from '../../src/read-store/mongodb';
import { startJongodb, type Jongodb } from '../support/jongodb';
import { writeBatch } from '../../src/read-store/mongodb/mongo-batch-writer';
import { readModelCollections } from '../../src/read-store/mongodb/mongo-collections';
import { MongoLease } from '../../src/read-store/mongodb/mongo-lease';
import type { ReadModelBatch, RederiveJob } from '../../src/read-store/read-store.port';
import { writeJournal } from '../../src/read-store/mongodb/mongo-commit-journal';
import { positionKey } from '../../src/read-store/position-key';
import { dumpReadModels } from '../support/read-model-dump';
import { timedId } from '../../projections/change-feed';
import { event, link, node, profile, removed } from './read-store.fixtures';
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

describe('MongoDB read store: a commit a crash interrupted is finished from its journal', () => {
  const before: ReadModelBatch = {
    nodes: { upsert: [node('CRMID:a'), node('Email:b', 'CRMID:a')] },
    links: { upsert: [link('CRMID:a', 'Email:b')] },
    profiles: { upsert: [profile('CRMID:a', 5000, { tier: 'gold' })] },
  };
  // The batch splits the graph: a store that holds only part of it (the nodes, say) is in neither state.
  const split: ReadModelBatch = {
    nodes: { upsert: [node('CRMID:a'), node('Email:b')] },
    links: { upsert: [removed('CRMID:a', 'Email:b')] },
    profiles: { upsert: [profile('CRMID:a', 6000, { tier: 'gold' }), profile('Email:b', 6000, { seen: true })] },
    events: [event('e1', 'Email:b', 6000, '9')],
  };
  const at = (position: string) => ({ projector: 'profiles', position });

  async function storeWithHalfACommit(journalParts?: number) {
    const dbName = `tessera_journal_${randomUUID().replace(/-/g, '')}`;
    const store = await openMongoReadStore(jongodb!.uri, { dbName });
    await store.commit(before, at('5'));
    const client = await MongoClient.connect(jongodb!.uri);
    const c = readModelCollections(client.db(dbName), 'v1_');
    await writeJournal(c, at('9'), '5', split);
    if (journalParts) await c.commitJournal.updateMany({}, { $set: { parts: journalParts } });
    // The crash: the nodes are written, the links, profiles and checkpoint are not.
    for (const n of split.nodes!.upsert!) {
      await c.nodes.replaceOne({ _id: n.key }, { pos: positionKey('9'), graphId: n.graphId, doc: JSON.stringify(n) });
    }
    return { store, c, close: () => Promise.all([store.close(), client.close()]) };
  }

  it('ends where the uninterrupted commit ends, and leaves no journal behind', async () => {
    const { store, c, close } = await storeWithHalfACommit();
    await store.completeInterruptedCommit('profiles');
    const whole = await openMongoReadStore(jongodb!.uri, { dbName: `tessera_journal_${randomUUID().replace(/-/g, '')}` });
    await whole.commit(before, at('5'));
    await whole.commit(split, at('9'));
    expect(await store.getCheckpoint('profiles')).toBe('9');
    expect(await dumpReadModels(store)).toEqual(await dumpReadModels(whole));
    expect(await c.commitJournal.countDocuments()).toBe(0);
    await Promise.all([close(), whole.close()]);
  });

  it('replays nothing from a journal missing a part (the crash came before any read-model write)', async () => {
    const { store, c, close } = await storeWithHalfACommit(2);
    await store.completeInterruptedCommit('profiles');
    expect(await store.getCheckpoint('profiles')).toBe('5');
    expect(await c.commitJournal.countDocuments()).toBe(0);
    await close();
  });

  it('replays nothing over a checkpoint other than the one the batch was folded on', async () => {
    const { store, c, close } = await storeWithHalfACommit();
    await c.commitJournal.updateMany({}, { $set: { from: '3' } });
    await store.completeInterruptedCommit('profiles');
    expect(await store.getCheckpoint('profiles')).toBe('5');
    expect(await c.commitJournal.countDocuments()).toBe(0);
    await close();
  });
});

describe('MongoDB read store: a re-derivation chunk a crash interrupted', () => {
  const job = (chunks: number, after?: string): RederiveJob => ({ rule: '5', ruleStream: 'tessera-settings', ruleRevision: 0, chunks, identities: chunks, ...(after ? { after } : {}) });
  const step = (n: number) => ({ projector: 'profiles', position: '5', step: n });
  // A chunk as the projector commits it: the graph, its values and memberships, and the feed items about them.
  const chunk: ReadModelBatch = {
    nodes: { upsert: [node('CRMID:a'), node('Email:b', 'CRMID:a')] },
    profiles: { upsert: [profile('CRMID:a', 6000, { tier: 'gold' })] },
    computed: { values: { upsert: [{ graphId: 'CRMID:a', values: { views: 2 } }] } },
    audiences: { enter: [{ audienceId: 'viewers', graphId: 'CRMID:a', enteredAt: 6000, doc: { profileId: 'p-a' } }] },
    changesAfterCheckpoint: [
      { type: 'profile.updated', profileId: 'p-a', changed: ['identities'], at: 6000 },
      { type: 'computed.changed', profileId: 'p-a', name: 'views', value: 2, at: 6000 },
      { type: 'audience.entered', profileId: 'p-a', audienceId: 'viewers', at: 6000 },
    ],
    rederiveJob: job(2, 'Email:b'),
  };

  it('is finished from its journal: values, memberships and progress land, and its feed items exactly once', async () => {
    const dbName = `tessera_chunk_${randomUUID().replace(/-/g, '')}`;
    const store = await openMongoReadStore(jongodb!.uri, { dbName });
    await store.commit({ nodes: { upsert: [node('CRMID:a')] }, rederiveJob: job(1) }, { projector: 'profiles', position: '5' });
    const client = await MongoClient.connect(jongodb!.uri);
    const c = readModelCollections(client.db(dbName), 'v1_');
    // The process dies as it writes the chunk's progress: every other document of the chunk is written.
    const dying = new MongoReadStore(client, c);
    jest.spyOn(c.rederiveJobs, 'replaceOne').mockRejectedValueOnce(new Error('killed'));
    await expect(dying.commit(chunk, step(2))).rejects.toBeDefined();
    expect((await store.readChanges({ limit: 10 })).map((i) => i.type)).toEqual(['profile.updated', 'computed.changed', 'audience.entered']);
    expect(await store.getRederiveJob('profiles')).toEqual(job(1));

    await store.completeInterruptedCommit('profiles');
    const items = await store.readChanges({ limit: 10 });
    expect(items.map((i) => [i.id.slice(i.id.indexOf('-')), i.type])).toEqual([
      [timedId('', 6000, 0), 'profile.updated'],
      [timedId('', 6000, 1), 'computed.changed'],
      [timedId('', 6000, 2), 'audience.entered'],
    ]);
    expect(await store.getRederiveJob('profiles')).toEqual(job(2, 'Email:b'));
    expect(await store.getComputedValues(['CRMID:a'])).toEqual([{ graphId: 'CRMID:a', values: { views: 2 } }]);
    expect((await store.getMemberships(['CRMID:a'])).map((m) => [m.audienceId, m.enteredAt])).toEqual([['viewers', 6000]]);
    expect((await store.getNodes(['Email:b']))[0]?.graphId).toBe('CRMID:a');
    expect(await c.commitJournal.countDocuments()).toBe(0);
    // The same chunk once more (a retry whose answer was lost): skipped whole, nothing numbered again.
    await store.commit(chunk, step(2));
    expect(await store.readChanges({ limit: 10 })).toEqual(items);
    await Promise.all([store.close(), client.close()]);
  });
});
