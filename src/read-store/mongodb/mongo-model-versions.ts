import { MongoClient, type Db } from 'mongodb';
import { DEFAULT_MODEL_VERSION } from '../read-store.port';
import { modelPrefix } from '../model-version';
import { readModelCollections } from './mongo-collections';
import { translated } from './mongo-errors';

/** The live model version, as in SQLite: one document in an unprefixed `read_model_meta` collection. */
interface MetaDoc {
  _id: string;
  value: string;
}

async function withDb<T>(url: string, dbName: string | undefined, work: (db: Db) => Promise<T>): Promise<T> {
  const client = new MongoClient(url);
  return translated(async () => {
    try {
      await client.connect();
      return await work(client.db(dbName));
    } finally {
      await client.close();
    }
  });
}

export function mongoLiveVersion(url: string, dbName?: string): Promise<string> {
  return withDb(url, dbName, async (db) => {
    const meta = await db.collection<MetaDoc>('read_model_meta').findOne({ _id: 'live' });
    return meta?.value ?? DEFAULT_MODEL_VERSION;
  });
}

export function setMongoLiveVersion(url: string, dbName: string | undefined, version: string): Promise<void> {
  modelPrefix({ modelVersion: version });
  return withDb(url, dbName, async (db) => {
    await db.collection<MetaDoc>('read_model_meta').replaceOne({ _id: 'live' }, { value: version }, { upsert: true });
  });
}

/**
 * Versions with a checkpoint. Servers without listCollections (jongodb) are asked about the names this service
 * creates: v1..v(live+1) and 'verify'.
 */
export function mongoModelVersions(url: string, dbName?: string): Promise<string[]> {
  return withDb(url, dbName, async (db) => {
    const live = (await db.collection<MetaDoc>('read_model_meta').findOne({ _id: 'live' }))?.value ?? DEFAULT_MODEL_VERSION;
    const n = Number(/^v(\d{1,4})$/.exec(live)?.[1] ?? 1);
    const candidates = new Set([live, 'verify', ...Array.from({ length: n + 1 }, (_, i) => `v${i + 1}`)]);
    const found: string[] = [];
    for (const version of candidates) {
      if (await db.collection(`${version}_checkpoints`).findOne({})) found.push(version);
    }
    return found.sort();
  });
}

/** Drops the collections the read store creates under the version's prefix (absent ones are skipped). */
export function dropMongoModelVersion(url: string, dbName: string | undefined, version: string): Promise<void> {
  const prefix = modelPrefix({ modelVersion: version });
  return withDb(url, dbName, async (db) => {
    for (const collection of Object.values(readModelCollections(db, prefix))) {
      await collection.deleteMany({});
      // Emptied is what matters; dropping the empty collection is tidiness a server may not offer.
      await collection.drop().catch(() => undefined);
    }
  });
}
