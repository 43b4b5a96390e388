import type Database from 'better-sqlite3';
import type { IdentityKey } from '../../../projections/model';
import type { ComputedBackfill, ComputedStateRow, ComputedValuesRow, ComputedWrites } from '../read-store.port';

/**
 * The computed-attribute tables: engine state per primary identity, values per graph with the time they next change
 * (indexed: the timer queue), and the backfill records. Written inside a batch's transaction, or on their own for
 * what time alone changes (lapses, backfill steps).
 */
export function computedSchemaSql(p: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${p}computed_states (primary_key TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${p}computed_values (graph_id TEXT PRIMARY KEY, due_at INTEGER, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ${p}computed_values_due ON ${p}computed_values (due_at) WHERE due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${p}computed_backfills (name TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
`;
}

/** SQL deleting an erased subject's computed rows (`@keys`: a JSON array of identity keys). */
export function computedErasureSql(p: string): string[] {
  const inKeys = (column: string) => `${column} IN (SELECT value FROM json_each(@keys))`;
  return [`DELETE FROM ${p}computed_states WHERE ${inKeys('primary_key')}`, `DELETE FROM ${p}computed_values WHERE ${inKeys('graph_id')}`];
}

export type ComputedTables = ReturnType<typeof openComputedTables>;

export function openComputedTables(db: Database.Database, p: string) {
  const inList = (column: string) => `${column} IN (SELECT value FROM json_each(?))`;
  const s = {
    putState: db.prepare(`INSERT INTO ${p}computed_states (primary_key, doc) VALUES (?, ?) ON CONFLICT (primary_key) DO UPDATE SET doc = excluded.doc`),
    states: db.prepare(`SELECT primary_key, doc FROM ${p}computed_states WHERE ${inList('primary_key')}`),
    putValues: db.prepare(
      `INSERT INTO ${p}computed_values (graph_id, due_at, doc) VALUES (?, ?, ?) ON CONFLICT (graph_id) DO UPDATE SET due_at = excluded.due_at, doc = excluded.doc`,
    ),
    deleteValues: db.prepare(`DELETE FROM ${p}computed_values WHERE graph_id = ?`),
    values: db.prepare(`SELECT graph_id, due_at, doc FROM ${p}computed_values WHERE ${inList('graph_id')}`),
    valuesOf: db.prepare(`SELECT graph_id, due_at, doc FROM ${p}computed_values WHERE graph_id = ?`),
    due: db.prepare(`SELECT graph_id, due_at, doc FROM ${p}computed_values WHERE due_at <= ? ORDER BY due_at, graph_id LIMIT ?`),
    putBackfill: db.prepare(`INSERT OR REPLACE INTO ${p}computed_backfills (name, doc) VALUES (?, ?)`),
    deleteBackfill: db.prepare(`DELETE FROM ${p}computed_backfills WHERE name = ?`),
    backfills: db.prepare(`SELECT doc FROM ${p}computed_backfills ORDER BY name`).pluck(),
    countProfiles: db.prepare(`SELECT count(*) FROM ${p}profiles`).pluck(),
  };
  /**
   * Inside a whole commit group (`defer`), the states and values rows wait here, one per key, until `flush` (the
   * group's end, or a read of these tables): the parts of a segment rewrote the same graphs' rows part after part
   * (~18k states and ~26k values rows per 20k items with fifty audiences, ~5.4k and ~5.6k once per group). The
   * rows are unguarded upserts and deletes, so a key's last write is its row. Docs are JSON text at once, so a
   * document that cannot be stored fails the write that brought it.
   */
  const states = new Map<IdentityKey, string>();
  const values = new Map<IdentityKey, { dueAt: number | null; doc: string } | null>();
  const write = (writes: ComputedWrites | undefined, defer = false) => {
    if (!writes) return;
    for (const r of writes.states?.upsert ?? []) {
      const doc = JSON.stringify(r.doc);
      if (defer) states.set(r.primaryKey, doc);
      else s.putState.run(r.primaryKey, doc);
    }
    for (const r of writes.values?.upsert ?? []) {
      const row = { dueAt: r.dueAt ?? null, doc: JSON.stringify(r.values) };
      if (defer) values.set(r.graphId, row);
      else s.putValues.run(r.graphId, row.dueAt, row.doc);
    }
    for (const graphId of writes.values?.delete ?? []) {
      if (defer) values.set(graphId, null);
      else s.deleteValues.run(graphId);
    }
    for (const b of writes.backfills?.upsert ?? []) s.putBackfill.run(b.name, JSON.stringify(b));
    for (const name of writes.backfills?.delete ?? []) s.deleteBackfill.run(name);
  };
  const discard = () => {
    states.clear();
    values.clear();
  };
  return {
    /** Inside the caller's transaction (a batch). */
    write,
    pending(rows: 'states' | 'values'): boolean {
      return (rows === 'states' ? states : values).size > 0;
    },
    /** Writes the deferred rows of one table (inside the group's transaction) and forgets them. */
    flush(rows: 'states' | 'values'): void {
      if (rows === 'states') {
        const stateRows = [...states];
        states.clear();
        for (const [primaryKey, doc] of stateRows) s.putState.run(primaryKey, doc);
        return;
      }
      const valueRows = [...values];
      values.clear();
      for (const [graphId, row] of valueRows) {
        if (row) s.putValues.run(graphId, row.dueAt, row.doc);
        else s.deleteValues.run(graphId);
      }
    },
    discard,
    /** On its own, in one transaction. */
    commit: db.transaction((writes: ComputedWrites) => write(writes)),
    states(keys: IdentityKey[]): ComputedStateRow[] {
      const rows = s.states.all(JSON.stringify(keys)) as { primary_key: string; doc: string }[];
      return rows.map((r) => ({ primaryKey: r.primary_key, doc: JSON.parse(r.doc) }));
    },
    values(graphIds: IdentityKey[]): ComputedValuesRow[] {
      // One graph (a profile read): a primary-key probe instead of json_each.
      const rows = graphIds.length === 1 ? s.valuesOf.all(graphIds[0]) : s.values.all(JSON.stringify(graphIds));
      return (rows as ValuesRow[]).map(toValues);
    },
    due(now: number, limit: number): ComputedValuesRow[] {
      return (s.due.all(now, limit) as ValuesRow[]).map(toValues);
    },
    backfills(): ComputedBackfill[] {
      return s.backfills.all().map((doc) => JSON.parse(doc as string) as ComputedBackfill);
    },
    countProfiles: () => s.countProfiles.get() as number,
  };
}

export interface ValuesRow {
  graph_id: string;
  due_at: number | null;
  doc: string;
}

export function toValues(row: ValuesRow): ComputedValuesRow {
  return { graphId: row.graph_id, values: JSON.parse(row.doc), ...(row.due_at === null ? {} : { dueAt: row.due_at }) };
}
