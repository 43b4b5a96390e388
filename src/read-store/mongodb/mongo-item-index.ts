import type { Filter } from 'mongodb';
import { positionKey } from '../position-key';
import type { ItemIndexEntry, ItemIndexQuery } from '../read-store.port';
import type { ItemIndexDoc, ReadModelCollections } from './mongo-collections';
import { chunks, findByIds } from './mongo-guarded-writes';

/** Index rows are immutable: the ones already stored (a re-applied batch) are left as they are. */
export async function writeItemIndex(c: ReadModelCollections, entries: ItemIndexEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const docs = [...new Map(entries.map((e) => [itemIndexId(e), toDoc(e)])).values()];
  const stored = new Set((await findByIds(c.itemIndex, docs.map((d) => d._id))).map((d) => d._id));
  for (const part of chunks(docs.filter((d) => !stored.has(d._id)))) {
    await c.itemIndex.insertMany(part, { ordered: true });
  }
}

/** One find per chunk of keys on the (identityKey, pos) index; the chunks' rows are merged in log order. */
export async function findItemsOf(
  c: ReadModelCollections,
  keys: string[],
  query: ItemIndexQuery,
): Promise<ItemIndexEntry[]> {
  const found: ItemIndexDoc[] = [];
  for (const part of chunks([...new Set(keys)])) {
    const filter: Filter<ItemIndexDoc> = { identityKey: { $in: part } };
    if (query.recordedBefore !== undefined) filter.recordedAt = { $lt: query.recordedBefore };
    if (query.eventIds !== undefined) filter.eventId = { $in: query.eventIds };
    const cursor = c.itemIndex.find(filter).sort({ pos: 1, eventId: 1 });
    if (query.limit !== undefined) cursor.limit(query.limit);
    found.push(...(await cursor.toArray()));
  }
  found.sort((x, y) => compare(x.pos, y.pos) || compare(x.eventId, y.eventId));
  const limited = query.limit === undefined ? found : found.slice(0, query.limit);
  return limited.map(({ identityKey, eventId, position, recordedAt, stream, revision }) => ({
    identityKey,
    eventId,
    position,
    recordedAt,
    stream,
    revision,
  }));
}

function itemIndexId(e: ItemIndexEntry): string {
  return JSON.stringify([e.identityKey, e.eventId]);
}

function toDoc(e: ItemIndexEntry): ItemIndexDoc {
  return { _id: itemIndexId(e), ...e, pos: positionKey(e.position) };
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
