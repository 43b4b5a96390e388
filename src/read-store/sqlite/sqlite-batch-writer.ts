import type { Database } from 'better-sqlite3';
import { comparePositions } from '../../event-store';
import { positionKey, stampOf } from '../position-key';
import type { Checkpoint, ReadModelBatch, RederiveJob } from '../read-store.port';
import type { AudienceTables } from './sqlite-audiences';
import type { ComputedTables } from './sqlite-computed';
import type { SqliteStatements } from './sqlite-statements';
import { addToStats, directRows, GRAPH_TABLES, PendingGraphRows, type GraphRowWriter, type GraphTable, type StatsSum } from './sqlite-graph-rows';

/** The tables whose rows a whole commit group defers. */
export type DeferredTable = GraphTable | 'states' | 'values' | 'sets';

/**
 * Applies a batch and its checkpoint inside the caller's transaction (the adapter's commit, with the batch's feed
 * items): either all of it is visible or none. A batch at or before the projector's checkpoint is skipped whole;
 * rows written by a newer batch (of any projector) are kept. A re-derivation chunk (`step`) is skipped when the
 * stored job has that many chunks already, and leaves the checkpoint where it is. Answers whether the batch was
 * applied. Not a transaction of its own: nested, it was a SAVEPOINT whose sub-journal copied every page the batch
 * touched to a temporary file (a failure rolls the whole commit back anyway).
 */
export function createBatchWriter(db: Database, s: SqliteStatements, computed?: ComputedTables, audiences?: AudienceTables) {
  const direct = directRows(s);
  const pending = new PendingGraphRows();
  /**
   * `defer` (inside a whole commit group): the keyed rows wait in `pending`, the computed tables' and the membership
   * sets' in theirs, until `flush` (the group's end, or a read of those tables); the timeline, the item index and the
   * checkpoint are written at once.
   */
  const write = (batch: ReadModelBatch, checkpoint: Checkpoint, defer = false): boolean => {
    if (!db.inTransaction) throw new Error('A read-model batch is written inside the commit transaction');
    if (!isFresh(s, checkpoint)) return false;
    const pos = stampOf(checkpoint);
    const rows = defer ? pending : direct;
    writeGraph(rows, batch, pos);
    writeProfiles(rows, batch, pos);
    writeEvents(s, rows, batch);
    writeItemIndex(s, batch);
    computed?.write(batch.computed, defer);
    audiences?.write(batch.audiences, defer);
    if (checkpoint.step === undefined) s.putCheckpoint.run(checkpoint.projector, checkpoint.position, pos);
    if (batch.rederiveJob === null) s.deleteRederiveJob.run(checkpoint.projector);
    else if (batch.rederiveJob) s.putRederiveJob.run(checkpoint.projector, JSON.stringify(batch.rederiveJob));
    return true;
  };
  const graphTables = (tables: readonly DeferredTable[] | undefined) => (tables ?? GRAPH_TABLES).filter((t): t is GraphTable => (GRAPH_TABLES as readonly string[]).includes(t));
  const has = (tables: readonly DeferredTable[] | undefined, table: DeferredTable) => tables === undefined || tables.includes(table);
  return {
    write,
    /** Whether deferred rows of these tables (all: any) wait to be written. */
    pending(tables?: readonly DeferredTable[]): boolean {
      return (
        pending.pending(graphTables(tables)) ||
        (has(tables, 'states') && computed?.pending('states') === true) ||
        (has(tables, 'values') && computed?.pending('values') === true) ||
        (has(tables, 'sets') && audiences?.pending === true)
      );
    },
    /** Writes the deferred rows of these tables (all: every one), inside the caller's transaction. */
    flush(tables?: readonly DeferredTable[]): void {
      pending.flush(direct, graphTables(tables));
      if (has(tables, 'states')) computed?.flush('states');
      if (has(tables, 'values')) computed?.flush('values');
      if (has(tables, 'sets')) audiences?.flush();
    },
    /** The group they were deferred in ended without them (rolled back). */
    discard(): void {
      pending.discard();
      computed?.discard();
      audiences?.discard();
    },
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

function writeGraph(rows: GraphRowWriter, batch: ReadModelBatch, pos: string): void {
  for (const node of batch.nodes?.upsert ?? []) rows.node(node.key, node.graphId, pos, JSON.stringify(node));
  for (const key of batch.nodes?.delete ?? []) rows.deleteNode(key, pos);
  for (const link of batch.links?.upsert ?? []) rows.link(link.key, link.a, link.b, pos, JSON.stringify(link));
  for (const key of batch.links?.delete ?? []) rows.deleteLink(key, pos);
}

function writeProfiles(rows: GraphRowWriter, batch: ReadModelBatch, pos: string): void {
  for (const f of batch.fragments?.upsert ?? []) rows.fragment(f.primaryKey, f.source, pos, JSON.stringify(f.doc));
  for (const f of batch.fragments?.delete ?? []) rows.deleteFragment(f.primaryKey, f.source, pos);
  for (const p of batch.profiles?.upsert ?? []) rows.profile(p.graphId, pos, p.createdAt, p.updatedAt, JSON.stringify(p.doc));
  for (const graphId of batch.profiles?.delete ?? []) rows.deleteProfile(graphId, pos);
}

/**
 * Timeline events are immutable: a stored one is kept, and only a newly stored one counts in the stats. The stats
 * row of a primary is written once per batch with what its new events add (one upsert per event was as many
 * statements and page rewrites as events; the sums are the same).
 */
function writeEvents(s: SqliteStatements, rows: GraphRowWriter, batch: ReadModelBatch): void {
  const added = new Map<string, StatsSum>();
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
    addToStats(added, e.primaryKey, 1, e.timestamp, e.position, positionKey(e.position));
  }
  for (const [primaryKey, sum] of added) rows.stats(primaryKey, sum.count, sum.lastEventAt, sum.lastPosition, sum.lastPos);
}

/** Index rows are immutable: one stored before (a re-applied batch) is kept as it is. */
function writeItemIndex(s: SqliteStatements, batch: ReadModelBatch): void {
  for (const r of batch.itemIndex ?? []) {
    s.insertItemIndex.run(r.identityKey, positionKey(r.position), r.eventId, r.position, r.recordedAt, r.stream, r.revision);
  }
}
