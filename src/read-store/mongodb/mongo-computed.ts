import type { IdentityKey } from '../../../projections/model';
import type { ComputedBackfill, ComputedStateRow, ComputedValuesRow, ComputedWrites } from '../read-store.port';
import type { ComputedValuesDoc, ReadModelCollections } from './mongo-collections';
import { chunks, findByIds } from './mongo-guarded-writes';

/**
 * Computed-attribute documents. They carry no position guard: only the projector writes them, serially, and every
 * write is a whole recomputation that is correct to repeat (the engine state itself remembers the newest event it
 * folded, so a batch re-applied after a crash counts nothing twice).
 */
export async function writeComputed(c: ReadModelCollections, writes: ComputedWrites | undefined): Promise<void> {
  if (!writes) return;
  const states = (writes.states?.upsert ?? []).map((r) => replace(r.primaryKey, { doc: JSON.stringify(r.doc) }));
  const values = (writes.values?.upsert ?? []).map((r) =>
    replace(r.graphId, { doc: JSON.stringify(r.values), ...(r.dueAt === undefined ? {} : { dueAt: r.dueAt }) }));
  const backfills = (writes.backfills?.upsert ?? []).map((b) => replace(b.name, { doc: JSON.stringify(b) }));
  for (const part of chunks(states)) await c.computedStates.bulkWrite(part as never);
  for (const part of chunks(values)) await c.computedValues.bulkWrite(part as never);
  for (const part of chunks(backfills)) await c.computedBackfills.bulkWrite(part as never);
  for (const part of chunks(writes.values?.delete ?? [])) await c.computedValues.deleteMany({ _id: { $in: part } });
  for (const part of chunks(writes.backfills?.delete ?? [])) await c.computedBackfills.deleteMany({ _id: { $in: part } });
}

function replace(_id: string, replacement: Record<string, unknown>) {
  return { replaceOne: { filter: { _id }, replacement, upsert: true } };
}

export async function computedStates(c: ReadModelCollections, keys: IdentityKey[]): Promise<ComputedStateRow[]> {
  return (await findByIds(c.computedStates, keys)).map((d) => ({ primaryKey: d._id, doc: JSON.parse(d.doc) }));
}

export async function computedValues(c: ReadModelCollections, graphIds: IdentityKey[]): Promise<ComputedValuesRow[]> {
  return (await findByIds(c.computedValues, graphIds)).map(toValues);
}

export async function dueComputed(c: ReadModelCollections, now: number, limit: number): Promise<ComputedValuesRow[]> {
  const docs = await c.computedValues.find({ dueAt: { $lte: now } }).sort({ dueAt: 1, _id: 1 }).limit(limit).toArray();
  return docs.map(toValues);
}

export async function computedBackfills(c: ReadModelCollections): Promise<ComputedBackfill[]> {
  const docs = await c.computedBackfills.find({}).sort({ _id: 1 }).toArray();
  return docs.map((d) => JSON.parse(d.doc) as ComputedBackfill);
}

export async function eraseComputed(c: ReadModelCollections, keys: IdentityKey[]): Promise<void> {
  for (const part of chunks([...new Set(keys)])) {
    await c.computedStates.deleteMany({ _id: { $in: part } });
    await c.computedValues.deleteMany({ _id: { $in: part } });
  }
}

function toValues(d: ComputedValuesDoc): ComputedValuesRow {
  return { graphId: d._id, values: JSON.parse(d.doc), ...(d.dueAt === undefined ? {} : { dueAt: d.dueAt }) };
}
