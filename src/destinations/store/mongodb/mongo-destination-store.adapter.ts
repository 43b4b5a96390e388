import { MongoClient, type Collection } from 'mongodb';
import type { DestinationDefinition, DestinationProgress, StoredDestination } from '../../destination';
import type { DestinationStore } from '../../destination-store.port';

interface DestinationDoc {
  _id: string;
  definition: DestinationDefinition;
  secret: string;
  createdAt: number;
  progress: DestinationProgress;
}

/** Destinations as one document each in `destinations` (outside the read models' versioned collections). */
export class MongoDestinationStore implements DestinationStore {
  constructor(private readonly client: MongoClient, private readonly c: Collection<DestinationDoc>) {}

  async get(id: string): Promise<StoredDestination | undefined> {
    const doc = await this.c.findOne({ _id: id });
    return doc ? toStored(doc) : undefined;
  }

  async list(): Promise<StoredDestination[]> {
    return (await this.c.find({}).sort({ _id: 1 }).toArray()).map(toStored);
  }

  async put(definition: DestinationDefinition, create: { secret: string; cursor?: string; createdAt: number }): Promise<{ created: boolean }> {
    const updated = await this.c.updateOne({ _id: definition.id }, { $set: { definition } });
    if (updated.matchedCount === 1) return { created: false };
    const progress: DestinationProgress = create.cursor === undefined ? {} : { cursor: create.cursor };
    await this.c.insertOne({ _id: definition.id, definition, secret: create.secret, createdAt: create.createdAt, progress });
    return { created: true };
  }

  async delete(id: string): Promise<boolean> {
    return (await this.c.deleteOne({ _id: id })).deletedCount === 1;
  }

  async saveProgress(id: string, progress: DestinationProgress): Promise<void> {
    await this.c.updateOne({ _id: id }, { $set: { progress: withoutUndefined(progress) } });
  }

  async disable(id: string, reason: string): Promise<void> {
    const doc = await this.c.findOne({ _id: id });
    if (!doc) return;
    const progress = withoutUndefined({ ...doc.progress, disabledReason: reason, failingSince: undefined });
    await this.c.updateOne({ _id: id }, { $set: { 'definition.enabled': false, progress } });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toStored(doc: DestinationDoc): StoredDestination {
  return { ...doc.definition, ...doc.progress, secret: doc.secret, createdAt: doc.createdAt };
}

/** `dbName` default: the database the URL names (the driver's default when it names none), as the read store. */
export async function openMongoDestinationStore(url: string, dbName?: string): Promise<MongoDestinationStore> {
  const client = await MongoClient.connect(url);
  return new MongoDestinationStore(client, client.db(dbName).collection<DestinationDoc>('destinations'));
}
