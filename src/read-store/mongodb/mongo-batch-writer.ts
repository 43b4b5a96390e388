import type { AnyBulkWriteOperation, Collection, Filter } from 'mongodb';
import { comparePositions } from '../../event-store';
import { positionKey, stampOf } from '../position-key';
import type { Checkpoint, Fragment, ProfileRecord, ReadModelBatch, RederiveJob, TimelineEvent } from '../read-store.port';
import {
  fragmentId,
  type CheckpointDoc,
  type EventDoc,
  type FragmentDoc,
  type GuardedDoc,
  type ProfileDoc,
  type ReadModelCollections,
  type StatsDoc,
} from './mongo-collections';
import { assertBounded } from './mongo-document-bound';
import { chunks, findByIds, guardedDelete, guardedUpsert } from './mongo-guarded-writes';
import { appendAfterCheckpoint, writeChanges } from './mongo-change-feed';
import { writeItemIndex } from './mongo-item-index';
import type { MongoLease } from './mongo-lease';

/**
 * Applies a batch document by document, then the checkpoint. A crash in between leaves some documents at the new
 * position and the checkpoint at the old one; the projector then applies the batch again and the guards turn the
 * writes that already landed into no-ops. Every document is serialised before the first write, so a batch that
 * cannot be stored writes nothing. Collections are independent, so they are written side by side (and all settle
 * before commit answers); within one, upserts come before deletes so that a delete wins.
 */
export async function writeBatch(c: ReadModelCollections, batch: ReadModelBatch, checkpoint: Checkpoint, lease: MongoLease) {
  const current = await c.checkpoints.findOne({ _id: checkpoint.projector });
  await lease.assertFence(current);
  if (!(await isFresh(c, checkpoint, current))) return;
  const pos = stampOf(checkpoint);
  const { nodes, links, fragments, profiles } = batch;
  const nodeDocs = (nodes?.upsert ?? []).map((n) => ({ _id: n.key, pos, graphId: n.graphId, doc: JSON.stringify(n) }));
  const linkDocs = (links?.upsert ?? []).map((l) => ({ _id: l.key, pos, a: l.a, b: l.b, doc: JSON.stringify(l) }));
  const fragmentDocs = (fragments?.upsert ?? []).map((f) => fragmentDoc(f, pos));
  const goneFragments = fragments?.delete?.map((f) => fragmentId(f.primaryKey, f.source));
  const profileDocs = (profiles?.upsert ?? []).map((p) => profileDoc(p, pos));
  const events = batch.events ?? [];
  const eventDocs = events.map(toEventDoc);
  assertBounded('node', nodeDocs);
  assertBounded('link', linkDocs);
  assertBounded('fragment', fragmentDocs);
  assertBounded('profile', profileDocs);
  assertBounded('event', eventDocs);
  await allSettled([
    write(c.nodes, nodeDocs, nodes?.delete, pos),
    write(c.links, linkDocs, links?.delete, pos),
    write(c.fragments, fragmentDocs, goneFragments, pos),
    write(c.profiles, profileDocs, profiles?.delete, pos),
    writeEvents(c, eventDocs, events),
    writeItemIndex(c, batch.itemIndex ?? []),
    writeChanges(c.changes, batch.changes ?? []),
  ]);
  // The adapter's commit numbers a chunk's feed items among `changes` before it journals the batch (exactly once);
  // only a journal written before it did so still holds drafts, numbered here as they always were.
  await appendAfterCheckpoint(c, batch.changesAfterCheckpoint ?? []);
  // A re-derivation chunk leaves the checkpoint where it is; its progress is the job document, under the lease too.
  if (checkpoint.step === undefined) await writeCheckpoint(c, current, checkpoint, pos, lease);
  else await lease.assertFence();
  if (batch.rederiveJob === null) await c.rederiveJobs.deleteOne({ _id: checkpoint.projector });
  else if (batch.rederiveJob) await c.rederiveJobs.replaceOne({ _id: checkpoint.projector }, { doc: JSON.stringify(batch.rederiveJob) }, { upsert: true });
}

/**
 * Whether the batch is still to apply: past the projector's checkpoint (`current`, when read already), or for a
 * re-derivation chunk (`step`), beyond the chunks its stored job counts.
 */
export async function isFresh(c: ReadModelCollections, checkpoint: Checkpoint, current?: CheckpointDoc | null): Promise<boolean> {
  if (checkpoint.step !== undefined) {
    const job = await c.rederiveJobs.findOne({ _id: checkpoint.projector });
    return job !== null && (JSON.parse(job.doc) as RederiveJob).chunks < checkpoint.step;
  }
  const stored = current === undefined ? await c.checkpoints.findOne({ _id: checkpoint.projector }) : current;
  return stored?.position === undefined || comparePositions(stored.position, checkpoint.position) < 0;
}

/**
 * Moves the checkpoint forward only, and only under the store's lease: the filter holds both guards, so the server
 * applies them atomically. No match means a newer checkpoint is there (nothing to do) or the lease moved on (the
 * second look throws READ_MODEL_FENCED). A leased store always finds the document: taking the lease created it.
 */
async function writeCheckpoint(c: ReadModelCollections, current: CheckpointDoc | null, checkpoint: Checkpoint, pos: string, lease: MongoLease) {
  if (!current && !lease.leased) {
    await c.checkpoints.insertOne({ _id: checkpoint.projector, pos, position: checkpoint.position });
    return;
  }
  const filter: Filter<CheckpointDoc> = { _id: checkpoint.projector, $or: [{ pos: { $exists: false } }, { pos: { $lt: pos } }], ...lease.checkpointFence() };
  const result = await c.checkpoints.updateOne(filter, { $set: { pos, position: checkpoint.position } });
  if (result.matchedCount === 0) await lease.assertFence();
}

/** Like Promise.all, but answers only once every write has finished, so a retry never races a straggler. */
async function allSettled(writes: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function write<T extends GuardedDoc>(
  collection: Collection<T>,
  upserts: T[],
  deletes: string[] | undefined,
  pos: string,
): Promise<void> {
  await guardedUpsert(collection, upserts);
  await guardedDelete(collection, deletes ?? [], pos);
}

function fragmentDoc(f: Fragment, pos: string): FragmentDoc {
  const _id = fragmentId(f.primaryKey, f.source);
  return { _id, pos, primaryKey: f.primaryKey, source: f.source, doc: JSON.stringify(f.doc) };
}

function profileDoc(p: ProfileRecord, pos: string): ProfileDoc {
  return { _id: p.graphId, pos, createdAt: p.createdAt, updatedAt: p.updatedAt, doc: JSON.stringify(p.doc) };
}

/** Stores the events not stored yet, then counts each in its identity's stats once (see StatsDoc). */
async function writeEvents(c: ReadModelCollections, docs: EventDoc[], events: TimelineEvent[]): Promise<void> {
  if (docs.length === 0) return;
  const unique = [...new Map(docs.map((d) => [d._id, d])).values()];
  const stored = new Set((await findByIds(c.events, unique.map((d) => d._id))).map((d) => d._id));
  const fresh = unique.filter((d) => !stored.has(d._id));
  for (const part of chunks(fresh)) await c.events.insertMany(part, { ordered: true });
  await countEvents(c, [...new Map(events.map((e) => [e.eventId, e])).values()]);
}

async function countEvents(c: ReadModelCollections, events: TimelineEvent[]): Promise<void> {
  const byPrimary = new Map<string, TimelineEvent[]>();
  for (const e of events) {
    const list = byPrimary.get(e.primaryKey);
    if (list) list.push(e);
    else byPrimary.set(e.primaryKey, [e]);
  }
  const stats = new Map((await findByIds(c.stats, [...byPrimary.keys()])).map((s) => [s._id, s]));
  const ops: AnyBulkWriteOperation<StatsDoc>[] = [];
  for (const [primaryKey, ofPrimary] of byPrimary) {
    const before = stats.get(primaryKey);
    const next = countedStats(primaryKey, before, ofPrimary);
    if (!next) continue;
    const { _id, ...fields } = next;
    ops.push(
      before
        ? { replaceOne: { filter: { _id, pos: before.pos }, replacement: fields } }
        : { insertOne: { document: next } },
    );
  }
  for (const part of chunks(ops)) await c.stats.bulkWrite(part, { ordered: true });
}

/** The stats with the events newer than the last one counted, or undefined when every one is counted already. */
function countedStats(primaryKey: string, before: StatsDoc | undefined, events: TimelineEvent[]): StatsDoc | undefined {
  const counted = before?.pos ?? '';
  const fresh = events.map((e) => ({ e, pos: positionKey(e.position) })).filter((x) => x.pos > counted);
  if (fresh.length === 0) return undefined;
  const newest = fresh.reduce((max, x) => (x.pos > max.pos ? x : max));
  return {
    _id: primaryKey,
    pos: newest.pos,
    lastPosition: newest.e.position,
    count: (before?.count ?? 0) + fresh.length,
    lastEventAt: Math.max(before?.lastEventAt ?? Number.MIN_SAFE_INTEGER, ...fresh.map((x) => x.e.timestamp)),
  };
}

function toEventDoc(e: TimelineEvent): EventDoc {
  return {
    _id: e.eventId,
    primaryKey: e.primaryKey,
    ts: e.timestamp,
    type: e.type,
    source: e.source,
    position: e.position,
    recordedAt: e.recordedAt,
    doc: JSON.stringify(e.doc),
  };
}
