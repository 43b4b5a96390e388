import type { Database } from 'better-sqlite3';
import { comparePositions } from '../../event-store';
import { positionKey, stampOf } from '../position-key';
import type { Checkpoint, ReadModelBatch, RederiveJob } from '../read-store.port';
import type { AudienceTables } from './sqlite-audiences';
import type { ComputedTables } from './sqlite-computed';
import type { SqliteStatements } from './sqlite-statements';

/**
 * Applies a batch and its checkpoint inside the caller's transaction (the adapter's commit, with the batch's feed
 * items): either all of it is visible or none. A batch at or before the projector's checkpoint is skipped whole;
 * rows written by a newer batch (of any projector) are kept. A re-derivation chunk (`step`) is skipped when the
 * stored job has that many chunks already, and leaves the checkpoint where it is. Answers whether the batch was
 * applied. Not a transaction of its own: nested, it was a SAVEPOINT whose sub-journal copied every page the batch
 * touched to a temporary file (a failure rolls the whole commit back anyway).
 */
export function createBatchWriter(db: Database, s: SqliteStatements, computed?: ComputedTables, audiences?: AudienceTables) {
  return (batch: ReadModelBatch, checkpoint: Checkpoint): boolean => {
    if (!db.inTransaction) throw new Error('A read-model batch is written inside the commit transaction');
    if (!isFresh(s, checkpoint)) return false;
    const pos = stampOf(checkpoint);
    writeGraph(s, batch, pos);
    writeProfiles(s, batch, pos);
    writeEvents(s, batch);
    writeItemIndex(s, batch);
    computed?.write(batch.computed);
    audiences?.write(batch.audiences);
    if (checkpoint.step === undefined) s.putCheckpoint.run(checkpoint.projector, checkpoint.position, pos);
    if (batch.rederiveJob === null) s.deleteRederiveJob.run(checkpoint.projector);
    else if (batch.rederiveJob) s.putRederiveJob.run(checkpoint.projector, JSON.stringify(batch.rederiveJob));
    return true;
  };
}

function isFresh(s: SqliteStatements, checkpoint: Checkpoint): boolean {
  if (checkpoint.step !== undefined) {
    const job = s.getRederiveJob.get(checkpoint.projector) as string | undefined;
    return job !== undefined && (JSON.parse(job) as RederiveJob).chunks < checkpoint.step;
  }
  const current = s.getCheckpoint.get(checkpoint.projector) as { position: string } | undefined;
  return !current || comparePositions(current.position, checkpoint.position) < 0;
}

function writeGraph(s: SqliteStatements, batch: ReadModelBatch, pos: string): void {
  for (const node of batch.nodes?.upsert ?? []) {
    const doc = JSON.stringify(node);
    if (s.updateNodeInGraph.run(pos, doc, node.key, node.graphId, pos).changes === 0) s.upsertNode.run(node.key, node.graphId, pos, doc);
  }
  for (const key of batch.nodes?.delete ?? []) s.deleteNode.run(key, pos);
  for (const link of batch.links?.upsert ?? []) {
    s.upsertLink.run(link.key, link.a, link.b, pos, JSON.stringify(link));
  }
  for (const key of batch.links?.delete ?? []) s.deleteLink.run(key, pos);
}

function writeProfiles(s: SqliteStatements, batch: ReadModelBatch, pos: string): void {
  for (const f of batch.fragments?.upsert ?? []) {
    s.upsertFragment.run(f.primaryKey, f.source, pos, JSON.stringify(f.doc));
  }
  for (const f of batch.fragments?.delete ?? []) s.deleteFragment.run(f.primaryKey, f.source, pos);
  for (const p of batch.profiles?.upsert ?? []) {
    s.upsertProfile.run(p.graphId, pos, p.createdAt, p.updatedAt, JSON.stringify(p.doc));
  }
  for (const graphId of batch.profiles?.delete ?? []) s.deleteProfile.run(graphId, pos);
}

/**
 * Timeline events are immutable: a stored one is kept, and only a newly stored one counts in the stats. The stats
 * row of a primary is written once per batch with what its new events add (one upsert per event was as many
 * statements and page rewrites as events; the sums are the same).
 */
function writeEvents(s: SqliteStatements, batch: ReadModelBatch): void {
  const added = new Map<string, { count: number; lastEventAt: number; lastPosition: string; lastPos: string }>();
  for (const e of batch.events ?? []) {
    const stored = s.insertEvent.run(
      e.eventId,
      e.primaryKey,
      e.timestamp,
      e.type,
      e.source,
      e.position,
      e.recordedAt,
      JSON.stringify(e.doc),
    );
    if (stored.changes !== 1) continue;
    const pos = positionKey(e.position);
    const sum = added.get(e.primaryKey);
    if (!sum) added.set(e.primaryKey, { count: 1, lastEventAt: e.timestamp, lastPosition: e.position, lastPos: pos });
    else {
      sum.count++;
      sum.lastEventAt = Math.max(sum.lastEventAt, e.timestamp);
      if (pos > sum.lastPos) [sum.lastPosition, sum.lastPos] = [e.position, pos];
    }
  }
  for (const [primaryKey, sum] of added) s.countEvents.run(primaryKey, sum.count, sum.lastEventAt, sum.lastPosition, sum.lastPos);
}

/** Index rows are immutable: one stored before (a re-applied batch) is kept as it is. */
function writeItemIndex(s: SqliteStatements, batch: ReadModelBatch): void {
  for (const r of batch.itemIndex ?? []) {
    s.insertItemIndex.run(r.identityKey, positionKey(r.position), r.eventId, r.position, r.recordedAt, r.stream, r.revision);
  }
}
