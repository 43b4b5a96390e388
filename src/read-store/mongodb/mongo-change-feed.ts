import type { Collection } from 'mongodb';
import { eraseFromFeed, erasureRefsOf, numberAfterCheckpoint, profileIdsNamed, type ChangeItem, type TimedDraft } from '../../../projections/change-feed';
import type { ChangeQuery, FeedErasure } from '../read-store.port';
import type { ChangeDoc, ReadModelCollections } from './mongo-collections';
import { chunks, findByIds } from './mongo-guarded-writes';

const toDoc = (item: ChangeItem, refs = erasureRefsOf(item)): ChangeDoc => ({ _id: item.id, type: item.type, refs, doc: JSON.stringify(item) });
const parse = (d: ChangeDoc) => JSON.parse(d.doc) as ChangeItem;

export async function writeChanges(changes: Collection<ChangeDoc>, items: readonly ChangeItem[]): Promise<void> {
  if (items.length === 0) return;
  const stored = new Set((await findByIds(changes, items.map((i) => i.id))).map((d) => d._id));
  const fresh = items.filter((i) => !stored.has(i.id)).map((i) => toDoc(i));
  for (const part of chunks(fresh)) await changes.insertMany(part, { ordered: true });
}

export async function readChanges(changes: Collection<ChangeDoc>, query: ChangeQuery): Promise<ChangeItem[]> {
  const filter: Record<string, unknown> = { _id: { $gt: query.after ?? '' } };
  if (query.types?.length) filter.type = { $in: [...query.types] };
  return (await changes.find(filter).sort({ _id: 1 }).limit(query.limit).toArray()).map(parse);
}

export async function getChange(changes: Collection<ChangeDoc>, id: string): Promise<ChangeItem | undefined> {
  const doc = await changes.findOne({ _id: id });
  return doc ? parse(doc) : undefined;
}

export async function lastChangeId(changes: Collection<ChangeDoc>): Promise<string | undefined> {
  return (await changes.find({}).sort({ _id: -1 }).limit(1).toArray())[0]?._id;
}

export function countChangesAfter(changes: Collection<ChangeDoc>, after: string | undefined): Promise<number> {
  return changes.countDocuments({ _id: { $gt: after ?? '' } });
}

/**
 * Before the profiles go (their docs name the subject's current profile ids). Step by step and idempotent, like the
 * rest of the Mongo erasure: a re-run finds the purged items gone and notices nothing twice (notices carry no refs).
 */
export async function eraseChanges(c: ReadModelCollections, identityKeys: string[], feed: FeedErasure): Promise<void> {
  const current: string[] = [];
  for (const keys of chunks([...new Set(identityKeys)])) {
    for (const p of await findByIds(c.profiles, keys)) current.push((JSON.parse(p.doc) as { profileId: string }).profileId);
  }
  const named: ChangeItem[] = [];
  for (const ids of chunks([...feed.profileIds, ...(feed.redacted ?? [])])) named.push(...(await c.changes.find({ refs: { $in: ids } }).toArray()).map(parse));
  const checkpoint = (await c.checkpoints.find({}).sort({ pos: -1 }).limit(1).toArray())[0]?.pos ?? '';
  const taken = await c.changes.countDocuments({ _id: { $gte: `${checkpoint}-e`, $lt: `${checkpoint}-f` } });
  const erased = new Set(feed.profileIds);
  const out = eraseFromFeed(erased, dedupe(named), current, checkpoint, feed.at, taken, new Set(feed.redacted), feed.redactBefore);
  for (const ids of chunks(out.remove)) await c.changes.deleteMany({ _id: { $in: ids } });
  for (const item of out.rewrite) {
    const refs = profileIdsNamed(item).filter((id) => !erased.has(id));
    await c.changes.updateOne({ _id: item.id }, { $set: { doc: JSON.stringify(item), refs } });
  }
  if (!feed.noticed && out.notices.length > 0) await c.changes.insertMany(out.notices.map((n) => toDoc(n, [])), { ordered: true });
}

/** Which of these profile ids some stored item names (notices aside). */
export async function profilesNamed(changes: Collection<ChangeDoc>, profileIds: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const ids of chunks([...profileIds])) for (const id of await changes.distinct('refs', { refs: { $in: ids } })) if (ids.includes(id as string)) found.add(id as string);
  return [...found];
}

function dedupe(items: ChangeItem[]): ChangeItem[] {
  return [...new Map(items.map((i) => [i.id, i])).values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Changes no batch entry caused (audience lapses, backfills), numbered after the checkpoint (numberAfterCheckpoint).
 * Only the projector process may call it, between its batches: nothing else writes at that checkpoint meanwhile.
 */
export async function appendAfterCheckpoint(c: ReadModelCollections, drafts: readonly TimedDraft[]): Promise<ChangeItem[]> {
  const items = await numberedAfterCheckpoint(c, drafts);
  await writeChanges(c.changes, items);
  return items;
}

/** The ids appendAfterCheckpoint would give these drafts now, written nowhere yet. */
export async function numberedAfterCheckpoint(c: ReadModelCollections, drafts: readonly TimedDraft[]): Promise<ChangeItem[]> {
  if (drafts.length === 0) return [];
  const key = (await c.checkpoints.find({}).sort({ pos: -1 }).limit(1).toArray())[0]?.pos ?? '';
  const last = (await c.changes.find({ _id: { $gte: `${key}-e`, $lt: `${key}-f` } }, { projection: { _id: 1 } }).sort({ _id: -1 }).limit(1).toArray())[0]?._id;
  return numberAfterCheckpoint(key, last, drafts);
}
