import type { IdentityKey } from '../../../projections/model';
import { decodeCursor, encodeCursor } from '../cursor';
import type { AudienceBackfill, AudienceWrites, MembersQuery, MembershipRow, Page } from '../read-store.port';
import type { MembershipDoc, ReadModelCollections } from './mongo-collections';
import { chunks } from './mongo-guarded-writes';

/**
 * Audience memberships as interval documents, `_id` = [audience, graph, entry time] as JSON. Only the projector
 * writes them, serially, and every write is correct to repeat: an entry is inserted only if absent, an exit closes
 * only an open interval. So a batch re-applied after a crash before its checkpoint changes nothing.
 */
export async function writeAudiences(c: ReadModelCollections, writes: AudienceWrites | undefined): Promise<void> {
  if (!writes) return;
  for (const e of writes.exit ?? []) {
    const open = await c.memberships.findOne({ audienceId: e.audienceId, graphId: e.graphId, exitedAt: null });
    if (!open) continue;
    const doc = JSON.stringify({ ...JSON.parse(open.doc), ...e.doc });
    await c.memberships.updateOne({ _id: open._id, exitedAt: null }, { $set: { exitedAt: e.exitedAt, doc } });
  }
  const entries = (writes.enter ?? []).map((r) => {
    const _id = JSON.stringify([r.audienceId, r.graphId, r.enteredAt]);
    const insert: MembershipDoc = { _id, audienceId: r.audienceId, graphId: r.graphId, enteredAt: r.enteredAt, exitedAt: null, doc: JSON.stringify(r.doc) };
    return { updateOne: { filter: { _id }, update: { $setOnInsert: insert }, upsert: true } };
  });
  const enters = writes.enter ?? [];
  let offset = 0;
  for (const part of chunks(entries)) {
    const result = await c.memberships.bulkWrite(part as never);
    const upserted = new Set(Object.keys(result.upsertedIds).map(Number));
    for (let i = 0; i < part.length; i++) if (!upserted.has(i)) await reenter(c, enters[offset + i]!);
    offset += part.length;
  }
  for (const b of writes.backfills?.upsert ?? []) {
    await c.audienceBackfills.replaceOne({ _id: b.audienceId }, { doc: JSON.stringify(b) }, { upsert: true });
  }
  for (const part of chunks(writes.backfills?.delete ?? [])) await c.audienceBackfills.deleteMany({ _id: { $in: part } });
}

/**
 * An entry whose interval document exists already: re-applied (that interval is open, or left later), or the
 * profile entered again in the millisecond it entered and left (three items in one millisecond: in, out, in). That
 * entry is an interval of its own, under the same key and a count of those before it.
 */
async function reenter(c: ReadModelCollections, r: NonNullable<AudienceWrites['enter']>[number]): Promise<void> {
  const { audienceId, graphId, enteredAt } = r;
  if (await c.memberships.findOne({ audienceId, graphId, exitedAt: null })) return;
  const same = await c.memberships.find({ audienceId, graphId, enteredAt }).toArray();
  if (same.some((d) => d.exitedAt !== enteredAt)) return;
  const _id = JSON.stringify([audienceId, graphId, enteredAt, same.length]);
  const insert: MembershipDoc = { _id, audienceId, graphId, enteredAt, exitedAt: null, doc: JSON.stringify(r.doc) };
  await c.memberships.updateOne({ _id }, { $setOnInsert: insert }, { upsert: true });
}

export async function membershipsOf(c: ReadModelCollections, graphIds: IdentityKey[]): Promise<MembershipRow[]> {
  const rows: MembershipRow[] = [];
  for (const part of chunks([...new Set(graphIds)])) {
    const docs = await c.memberships.find({ graphId: { $in: part }, exitedAt: null }).sort({ graphId: 1, audienceId: 1 }).toArray();
    rows.push(...docs.map(toRow));
  }
  return rows;
}

export async function membershipIntervals(c: ReadModelCollections, graphIds: IdentityKey[]): Promise<MembershipRow[]> {
  const rows: MembershipRow[] = [];
  for (const part of chunks([...new Set(graphIds)])) rows.push(...(await c.memberships.find({ graphId: { $in: part } }).toArray()).map(toRow));
  return rows.sort((a, b) => a.enteredAt - b.enteredAt || (a.audienceId < b.audienceId ? -1 : a.audienceId > b.audienceId ? 1 : 0));
}

const atTime = (at: number) => ({ enteredAt: { $lte: at }, $or: [{ exitedAt: null }, { exitedAt: { $gt: at } }] });

export async function membershipsAsOf(c: ReadModelCollections, graphId: IdentityKey, at: number): Promise<MembershipRow[]> {
  return (await c.memberships.find({ graphId, ...atTime(at) }).sort({ audienceId: 1 }).toArray()).map(toRow);
}

export async function members(c: ReadModelCollections, query: MembersQuery): Promise<Page<MembershipRow>> {
  const [after] = query.cursor ? decodeCursor<[string]>(query.cursor, ['string']) : [''];
  const when = query.asOf === undefined ? { exitedAt: null } : atTime(query.asOf);
  const docs = await c.memberships
    .find({ audienceId: query.audienceId, graphId: { $gt: after }, ...when })
    .sort({ graphId: 1 })
    .limit(query.limit)
    .toArray();
  const rows = docs.map(toRow);
  const last = rows[rows.length - 1];
  return { items: rows, ...(rows.length === query.limit && last ? { nextCursor: encodeCursor([last.graphId]) } : {}) };
}

export async function countMembers(c: ReadModelCollections, audienceIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const id of audienceIds) counts.set(id, await c.memberships.countDocuments({ audienceId: id, exitedAt: null }));
  return counts;
}

export async function audienceBackfills(c: ReadModelCollections): Promise<AudienceBackfill[]> {
  return (await c.audienceBackfills.find({}).sort({ _id: 1 }).toArray()).map((d) => JSON.parse(d.doc) as AudienceBackfill);
}

export async function eraseMemberships(c: ReadModelCollections, keys: IdentityKey[]): Promise<void> {
  for (const part of chunks([...new Set(keys)])) await c.memberships.deleteMany({ graphId: { $in: part } });
}

function toRow(d: MembershipDoc): MembershipRow {
  return {
    audienceId: d.audienceId,
    graphId: d.graphId,
    enteredAt: d.enteredAt,
    ...(d.exitedAt === null ? {} : { exitedAt: d.exitedAt }),
    doc: JSON.parse(d.doc),
  };
}
