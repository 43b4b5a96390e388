import type { AnyBulkWriteOperation } from 'mongodb';
import { comparePositions } from '../../event-store/position';
import { positionKey } from '../position-key';
import type { Checkpoint, ReadModelBatch, TimelineEvent } from '../read-store.port';
import { fragmentId, type ReadModelCollections, type StatsDoc } from './mongo-collections';
import { chunks, findByIds, guardedDelete, guardedUpsert } from './mongo-guarded-writes';

/**
 * Applies a batch document by document, then the checkpoint. A crash in between leaves some documents at the new
 * position and the checkpoint at the old one; the projector then applies the batch again and the guards turn the
 * writes that already landed into no-ops. Upserts come before deletes so that a delete wins.
 */
export async function writeBatch(c: ReadModelCollections, batch: ReadModelBatch, checkpoint: Checkpoint) {
  const current = await c.checkpoints.findOne({ _id: checkpoint.projector });
  if (current && comparePositions(current.position, checkpoint.position) >= 0) return;
  const pos = positionKey(checkpoint.position);
  await writeGraph(c, batch, pos);
  await writeProfiles(c, batch, pos);
  await writeEvents(c, batch.events ?? []);
  await guardedUpsert(c.checkpoints, [{ _id: checkpoint.projector, pos, position: checkpoint.position }]);
}

async function writeGraph(c: ReadModelCollections, batch: ReadModelBatch, pos: string): Promise<void> {
  const nodes = batch.nodes?.upsert ?? [];
  await guardedUpsert(
    c.nodes,
    nodes.map((n) => ({ _id: n.key, pos, graphId: n.graphId, doc: JSON.stringify(n) })),
  );
  await guardedDelete(c.nodes, batch.nodes?.delete ?? [], pos);
  const links = batch.links?.upsert ?? [];
  await guardedUpsert(
    c.links,
    links.map((l) => ({ _id: l.key, pos, a: l.a, b: l.b, doc: JSON.stringify(l) })),
  );
  await guardedDelete(c.links, batch.links?.delete ?? [], pos);
}

async function writeProfiles(c: ReadModelCollections, batch: ReadModelBatch, pos: string): Promise<void> {
  const fragments = (batch.fragments?.upsert ?? []).map((f) => ({
    _id: fragmentId(f.primaryKey, f.source),
    pos,
    primaryKey: f.primaryKey,
    source: f.source,
    doc: JSON.stringify(f.doc),
  }));
  await guardedUpsert(c.fragments, fragments);
  const goneFragments = (batch.fragments?.delete ?? []).map((f) => fragmentId(f.primaryKey, f.source));
  await guardedDelete(c.fragments, goneFragments, pos);
  const profiles = (batch.profiles?.upsert ?? []).map((p) => ({
    _id: p.graphId,
    pos,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    doc: JSON.stringify(p.doc),
  }));
  await guardedUpsert(c.profiles, profiles);
  await guardedDelete(c.profiles, batch.profiles?.delete ?? [], pos);
}

/** Stores the events not stored yet, then counts each in its identity's stats once (see StatsDoc). */
async function writeEvents(c: ReadModelCollections, events: TimelineEvent[]): Promise<void> {
  if (events.length === 0) return;
  const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
  const stored = new Set((await findByIds(c.events, unique.map((e) => e.eventId))).map((e) => e._id));
  const fresh = unique.filter((e) => !stored.has(e.eventId)).map(toEventDoc);
  for (const part of chunks(fresh)) await c.events.insertMany(part, { ordered: true });
  await countEvents(c, unique);
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

function toEventDoc(e: TimelineEvent) {
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
