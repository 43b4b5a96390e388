import { Binary, MongoClient, MongoServerError, type Collection, type Db } from 'mongodb';
import { AppError } from '../../../common';
import type { KeyStore } from '../key-store.port';

interface KeyDoc {
  _id: string;
  key: Binary;
}
interface SecretDoc {
  _id: string;
  value: Binary;
}
const SALT = 'suppression-salt';

/**
 * A key is the only way to read the events sealed under it, so it must outlive any failover: writes wait for a
 * majority of the replica set and the journal (a key acknowledged by the primary alone is lost if the primary
 * fails before replicating it, and rolled back when it rejoins), and reads see only majority-committed keys (a key
 * read from a primary's unreplicated write could be used to seal events and then be rolled back). Reads go to
 * the primary, the default.
 */
const DURABLE = { writeConcern: { w: 'majority' as const, journal: true }, readConcern: { level: 'majority' as const } };
const DUPLICATE_KEY = 11000;

/**
 * Keys in the `subject_keys` collection. Inserts are insert-if-absent (a duplicate _id means another writer won, and
 * its key is read back). MongoDB offers no way to scrub freed bytes: deleted documents leave the storage engine's
 * files as WiredTiger reuses the space; backups and the oplog keep them until they roll over (README, Privacy).
 */
export class MongoKeyStore implements KeyStore {
  private readonly keys: Collection<KeyDoc>;
  private readonly secrets: Collection<SecretDoc>;
  private readonly suppressed: Collection<{ _id: string }>;

  private readonly db: Db;

  constructor(private readonly client: MongoClient, dbName?: string) {
    const db = (this.db = client.db(dbName));
    this.keys = db.collection<KeyDoc>('subject_keys', DURABLE);
    this.secrets = db.collection<SecretDoc>('privacy_secrets', DURABLE);
    this.suppressed = db.collection<{ _id: string }>('suppressed_identities', DURABLE);
  }

  ensureKeys(subjectIds: string[], create: () => Buffer): Promise<Map<string, Buffer>> {
    return translated(async () => {
      await insertAbsent(this.keys, subjectIds.map((id) => ({ _id: id, key: new Binary(create()) })));
      return this.getKeys(subjectIds);
    });
  }

  getKeys(subjectIds: string[]): Promise<Map<string, Buffer>> {
    return translated(async () => {
      const docs = subjectIds.length === 0 ? [] : await this.keys.find({ _id: { $in: subjectIds } }).toArray();
      return new Map(docs.map((d) => [d._id, Buffer.from(d.key.buffer)]));
    });
  }

  deleteKeys(subjectIds: string[]): Promise<number> {
    return translated(async () => (await this.keys.deleteMany({ _id: { $in: subjectIds } })).deletedCount);
  }

  suppressionSalt(create: () => Buffer): Promise<Buffer> {
    return translated(async () => {
      await insertAbsent(this.secrets, [{ _id: SALT, value: new Binary(create()) }]);
      const doc = await this.secrets.findOne({ _id: SALT });
      return Buffer.from(doc!.value.buffer);
    });
  }

  addSuppressed(hashes: string[]): Promise<void> {
    return translated(() => insertAbsent(this.suppressed, hashes.map((h) => ({ _id: h }))));
  }

  listSuppressed(): Promise<string[]> {
    return translated(async () => (await this.suppressed.find({}).toArray()).map((d) => d._id));
  }

  check(): Promise<void> {
    return translated(async () => {
      await this.db.command({ ping: 1 });
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/**
 * Insert-if-absent. An unordered insertMany is tried first; on a duplicate (another writer, or a key seen before)
 * every document is inserted on its own, because not every server goes on after the first duplicate.
 */
async function insertAbsent<T extends { _id: string }>(collection: Collection<T>, docs: T[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await collection.insertMany(docs as never[], { ordered: false });
  } catch (error) {
    if (!isDuplicate(error)) throw error;
    for (const doc of docs) {
      await collection.insertOne(doc as never).catch((e: unknown) => {
        if (!isDuplicate(e)) throw e;
      });
    }
  }
}

function isDuplicate(error: unknown): boolean {
  if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return true;
  const errors = (error as { writeErrors?: Array<{ code?: number }> | { code?: number } }).writeErrors;
  const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
  return list.length > 0 && list.every((e) => e.code === DUPLICATE_KEY);
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const translated = new AppError('KEY_STORE_UNAVAILABLE', 503, 'The key store (MongoDB) failed to answer');
    translated.cause = error;
    throw translated;
  }
}

export function openMongoKeyStore(url: string, dbName?: string): MongoKeyStore {
  return new MongoKeyStore(new MongoClient(url), dbName);
}
