import type { AnyBulkWriteOperation, Collection, Filter } from 'mongodb';
import type { GuardedDoc } from './mongo-collections';

/** Keeps $in lists and bulk writes to sizes every server (jongodb included) handles comfortably. */
export const CHUNK = 500;

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Documents by id, $in-chunked. */
export async function findByIds<T extends { _id: string }>(collection: Collection<T>, ids: string[]): Promise<T[]> {
  const found: T[] = [];
  for (const part of chunks([...new Set(ids)])) {
    found.push(...((await collection.find({ _id: { $in: part } } as Filter<T>).toArray()) as T[]));
  }
  return found;
}

/**
 * Writes each document unless the stored one was written at the same or a newer position. The stored positions
 * are read first, so no write can hit a duplicate key (an upsert whose guard fails would): new documents are
 * inserted, older ones replaced under the guard again, in case another writer moved them meanwhile.
 */
export async function guardedUpsert<T extends GuardedDoc>(collection: Collection<T>, docs: T[]): Promise<void> {
  if (docs.length === 0) return;
  const latest = [...new Map(docs.map((d) => [d._id, d])).values()];
  const stored = new Map((await findByIds(collection, latest.map((d) => d._id))).map((d) => [d._id, d.pos]));
  const ops: AnyBulkWriteOperation<T>[] = [];
  for (const doc of latest) {
    const pos = stored.get(doc._id);
    if (pos === undefined) ops.push({ insertOne: { document: doc } } as AnyBulkWriteOperation<T>);
    else if (pos < doc.pos) ops.push(guardedReplace(doc));
  }
  for (const part of chunks(ops)) await collection.bulkWrite(part, { ordered: true });
}

function guardedReplace<T extends GuardedDoc>(doc: T): AnyBulkWriteOperation<T> {
  const { _id, ...rest } = doc;
  return {
    replaceOne: { filter: { _id, pos: { $lt: doc.pos } } as Filter<T>, replacement: rest as T },
  } as AnyBulkWriteOperation<T>;
}

/** Deletes each document written at or before `pos`; a newer write survives an older batch's delete. */
export async function guardedDelete<T extends GuardedDoc>(
  collection: Collection<T>,
  ids: string[],
  pos: string,
): Promise<void> {
  for (const part of chunks(ids)) {
    await collection.deleteMany({ _id: { $in: part }, pos: { $lte: pos } } as Filter<T>);
  }
}
