import { MongoClient, type Db } from 'mongodb';
import { DEFAULT_MODEL_VERSION } from '../read-store.port';
import { modelPrefix } from '../model-version';
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

export function mongoModelVersions(url: string, dbName?: string): Promise<string[]> {
  return withDb(url, dbName, async (db) => {
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    return names.filter((n) => n.endsWith('_checkpoints')).map((n) => n.slice(0, -'_checkpoints'.length)).sort();
  });
}

export function dropMongoModelVersion(url: string, dbName: string | undefined, version: string): Promise<void> {
  const prefix = modelPrefix({ modelVersion: version });
  return withDb(url, dbName, async (db) => {
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    for (const name of names.filter((n) => n.startsWith(prefix))) await db.dropCollection(name);
  });
}
