import type { Database } from 'better-sqlite3';

/**
 * Every statement the adapter runs, prepared once at open. Key lists travel as one JSON array parameter
 * (`json_each`), so a statement serves any number of keys. Upserts only replace a row written by an older batch.
 */
export function prepareStatements(db: Database, p: string) {
  const inList = (column: string) => `${column} IN (SELECT value FROM json_each(?))`;
  /**
   * `fixed`: columns a stored row never changes (a link's ends, named by its key). SQLite rewrites the entry of every
   * index over a column in the SET list even when its value is the same, so those stay out of it.
   */
  const guardedUpsert = (table: string, columns: string[], conflict: string, fixed: string[] = []) => {
    const kept = [...conflict.split(','), ...fixed];
    const updates = columns.filter((c) => !kept.includes(c)).map((c) => `${c} = excluded.${c}`);
    return db.prepare(
      `INSERT INTO ${p}${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
       ON CONFLICT (${conflict}) DO UPDATE SET ${updates.join(', ')} WHERE excluded.pos > ${p}${table}.pos`,
    );
  };
  return {
    getCheckpoint: db.prepare(`SELECT position, pos FROM ${p}checkpoints WHERE projector = ?`),
    putCheckpoint: guardedUpsert('checkpoints', ['projector', 'position', 'pos'], 'projector'),
    getRederiveJob: db.prepare(`SELECT doc FROM ${p}rederive_jobs WHERE projector = ?`).pluck(),
    putRederiveJob: db.prepare(`INSERT OR REPLACE INTO ${p}rederive_jobs (projector, doc) VALUES (?, ?)`),
    deleteRederiveJob: db.prepare(`DELETE FROM ${p}rederive_jobs WHERE projector = ?`),

    upsertNode: guardedUpsert('nodes', ['key', 'graph_id', 'pos', 'doc'], 'key'),
    // A node in the graph it was in (nearly every rewrite): its nodes_by_graph entry stays as it is (see guardedUpsert).
    updateNodeInGraph: db.prepare(`UPDATE ${p}nodes SET pos = ?, doc = ? WHERE key = ? AND graph_id = ? AND pos < ?`),
    deleteNode: db.prepare(`DELETE FROM ${p}nodes WHERE key = ? AND pos <= ?`),
    nodesByKeys: db.prepare(`SELECT doc FROM ${p}nodes WHERE ${inList('key')}`).pluck(),
    // One key (a profile read, a single-event batch): a primary-key probe, without json_each's table and parse.
    nodeByKey: db.prepare(`SELECT doc FROM ${p}nodes WHERE key = ?`).pluck(),
    nodeKeysAfter: db.prepare(`SELECT key FROM ${p}nodes WHERE key > ? ORDER BY key LIMIT ?`).pluck(),
    nodesByGraphs: db.prepare(`SELECT doc FROM ${p}nodes WHERE ${inList('graph_id')}`).pluck(),

    upsertLink: guardedUpsert('links', ['key', 'a', 'b', 'pos', 'doc'], 'key', ['a', 'b']),
    deleteLink: db.prepare(`DELETE FROM ${p}links WHERE key = ? AND pos <= ?`),
    linksTouching: db
      .prepare(
        `SELECT doc FROM ${p}links WHERE ${inList('a')} UNION SELECT doc FROM ${p}links WHERE ${inList('b')}`,
      )
      .pluck(),

    upsertFragment: guardedUpsert('fragments', ['primary_key', 'source', 'pos', 'doc'], 'primary_key,source'),
    deleteFragment: db.prepare(`DELETE FROM ${p}fragments WHERE primary_key = ? AND source = ? AND pos <= ?`),
    fragmentsOf: db.prepare(`SELECT primary_key, source, doc FROM ${p}fragments WHERE ${inList('primary_key')}`),

    upsertProfile: guardedUpsert('profiles', ['graph_id', 'pos', 'created_at', 'updated_at', 'doc'], 'graph_id'),
    deleteProfile: db.prepare(`DELETE FROM ${p}profiles WHERE graph_id = ? AND pos <= ?`),
    profile: db.prepare(`SELECT graph_id, created_at, updated_at, doc FROM ${p}profiles WHERE graph_id = ?`),
    profileDoc: db.prepare(`SELECT doc FROM ${p}profiles WHERE graph_id = ?`).pluck(),
    profilesAfter: db.prepare(
      `SELECT graph_id, created_at, updated_at, doc FROM ${p}profiles WHERE graph_id > ? ORDER BY graph_id LIMIT ?`,
    ),

    insertEvent: db.prepare(
      `INSERT OR IGNORE INTO ${p}events (event_id, primary_key, ts, type, source, position, recorded_at, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    countEvents: db.prepare(
      `INSERT INTO ${p}event_stats (primary_key, count, last_event_at, last_position, last_pos) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (primary_key) DO UPDATE SET count = count + excluded.count,
         last_event_at = max(last_event_at, excluded.last_event_at),
         last_position = iif(excluded.last_pos > last_pos, excluded.last_position, last_position),
         last_pos = max(last_pos, excluded.last_pos)`,
    ),
    statsOf: db.prepare(
      `SELECT primary_key, count, last_event_at, last_position FROM ${p}event_stats WHERE ${inList('primary_key')}`,
    ),
    insertItemIndex: db.prepare(
      `INSERT OR IGNORE INTO ${p}item_index (identity_key, pos, event_id, position, recorded_at, stream, revision)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    itemsOf: db.prepare(
      `SELECT identity_key, event_id, position, recorded_at, stream, revision FROM ${p}item_index
       WHERE identity_key IN (SELECT value FROM json_each(@keys)) AND recorded_at < @before
         AND (@eventIds IS NULL OR event_id IN (SELECT value FROM json_each(@eventIds)))
       ORDER BY pos, event_id LIMIT @limit`,
    ),
    ...timelineStatements(db, p),
  };
}

/**
 * The timeline in two passes. First, per identity of the graph, the sort keys of its next events in the window:
 * one range scan of the covering (primary_key, ts, event_id, type) index, capped at limit + 1. The adapter merges
 * those and then loads only the events of the page by rowid (the index holds it).
 */
function timelineStatements(db: Database, p: string) {
  const typeFilter = `(@types IS NULL OR type IN (SELECT value FROM json_each(@types)))`;
  const keys = `SELECT ts, event_id, rowid AS row FROM ${p}events WHERE primary_key = @primaryKey`;
  return {
    eventKeysAsc: db.prepare(
      `${keys} AND (ts, event_id) > (@ts, @eventId) AND ts < @bound AND ${typeFilter}
       ORDER BY ts, event_id LIMIT @limit`,
    ),
    eventKeysDesc: db.prepare(
      `${keys} AND (ts, event_id) < (@ts, @eventId) AND ts >= @bound AND ${typeFilter}
       ORDER BY ts DESC, event_id DESC LIMIT @limit`,
    ),
    eventsByRows: db.prepare(
      `SELECT event_id, primary_key, ts, type, source, position, recorded_at, doc FROM ${p}events
       WHERE rowid IN (SELECT value FROM json_each(?))`,
    ),
  };
}

export type SqliteStatements = ReturnType<typeof prepareStatements>;
