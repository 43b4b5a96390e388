/**
 * The read models as tables, every name prefixed by the model version so a rebuild writes beside the live models.
 * Every row a batch writes carries `pos` (positionKey of that batch), so a row only changes for a newer batch.
 * Documents are stored as JSON text: the projections own their shapes.
 */
export function schemaSql(p: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${p}nodes (
  key TEXT PRIMARY KEY, graph_id TEXT NOT NULL, pos TEXT NOT NULL, doc TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${p}nodes_by_graph ON ${p}nodes (graph_id);

CREATE TABLE IF NOT EXISTS ${p}links (
  key TEXT PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL, pos TEXT NOT NULL, doc TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${p}links_by_a ON ${p}links (a);
CREATE INDEX IF NOT EXISTS ${p}links_by_b ON ${p}links (b);

CREATE TABLE IF NOT EXISTS ${p}fragments (
  primary_key TEXT NOT NULL, source TEXT NOT NULL, pos TEXT NOT NULL, doc TEXT NOT NULL,
  PRIMARY KEY (primary_key, source)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS ${p}profiles (
  graph_id TEXT PRIMARY KEY, pos TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  doc TEXT NOT NULL
) WITHOUT ROWID;

-- Timeline events by rowid, in the order they were stored (each batch appends at the end of the table).
CREATE TABLE IF NOT EXISTS ${p}events (
  event_id TEXT NOT NULL, primary_key TEXT NOT NULL, ts INTEGER NOT NULL, type TEXT NOT NULL,
  source TEXT NOT NULL, position TEXT NOT NULL, recorded_at INTEGER NOT NULL, doc TEXT NOT NULL
);
-- Covers the timeline's first pass (sort keys, type filter, and the rowid the second pass reads by) without
-- touching the table. Unique, it also stores an event once: an event id always comes with the same primary and
-- time. A key on event_id alone was one more b-tree, and one more page written, for every event (issue 17). A file
-- written before keeps that key (event_id TEXT PRIMARY KEY) and a plain index here: the statements serve both, and
-- a rebuild into a new model version writes this layout.
CREATE UNIQUE INDEX IF NOT EXISTS ${p}events_by_primary_time ON ${p}events (primary_key, ts, event_id, type);

CREATE TABLE IF NOT EXISTS ${p}event_stats (
  primary_key TEXT PRIMARY KEY, count INTEGER NOT NULL, last_event_at INTEGER NOT NULL,
  last_position TEXT NOT NULL, last_pos TEXT NOT NULL
) WITHOUT ROWID;

-- The identity→items index: one row per (identity, item), read by key prefix in log order (pos).
CREATE TABLE IF NOT EXISTS ${p}item_index (
  identity_key TEXT NOT NULL, pos TEXT NOT NULL, event_id TEXT NOT NULL, position TEXT NOT NULL,
  recorded_at INTEGER NOT NULL, stream TEXT NOT NULL, revision INTEGER NOT NULL,
  PRIMARY KEY (identity_key, pos, event_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS ${p}checkpoints (
  projector TEXT PRIMARY KEY, position TEXT NOT NULL, pos TEXT NOT NULL
) WITHOUT ROWID;

-- A streamed re-derivation in progress (at most one per projector), written in the commits of its chunks.
CREATE TABLE IF NOT EXISTS ${p}rederive_jobs (projector TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
`;
}
