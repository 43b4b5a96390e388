import type Database from 'better-sqlite3';
import type { IdentityKey } from '../../../projections/model';
import { decodeCursor, encodeCursor } from '../cursor';
import type { AudienceBackfill, AudienceWrites, MembersQuery, MembershipRow, Page } from '../read-store.port';
import { applyToSet, emptySet, rowsOfSet, writesByGraph, type MembershipSet } from './membership-set';

/**
 * Audience memberships as intervals (entered_at, exited_at NULL while a member), stored twice over: per graph, every
 * interval with its docs packed in one row (membership-set.ts: what the projector and a profile read), and per
 * audience a narrow row per interval (members, sizes, members as of a log time). A batch that moves a profile in
 * and out of many audiences rewrites one set row and adds or closes one narrow row per transition. Written inside
 * a batch's transaction, or on their own for what time alone changes (lapses, backfill steps).
 */
export function audienceSchemaSql(p: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${p}membership_sets (graph_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${p}audience_members (audience_id TEXT NOT NULL, graph_id TEXT NOT NULL, entered_at INTEGER NOT NULL,
  exited_at INTEGER, PRIMARY KEY (audience_id, graph_id, entered_at)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ${p}audience_backfills (audience_id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
`;
}

/** SQL deleting an erased subject's memberships (`@keys`: a JSON array of identity keys): its sets name its rows. */
export function audienceErasureSql(p: string): string[] {
  const sets = `${p}membership_sets s, json_each(s.doc, '$.m') m WHERE s.graph_id IN (SELECT value FROM json_each(@keys))`;
  return [
    `DELETE FROM ${p}audience_members WHERE (audience_id, graph_id, entered_at) IN (SELECT m.value ->> 0, s.graph_id, m.value ->> 1 FROM ${sets})`,
    `DELETE FROM ${p}membership_sets WHERE graph_id IN (SELECT value FROM json_each(@keys))`,
  ];
}

export type AudienceTables = ReturnType<typeof openAudienceTables>;

interface MemberRow {
  audience_id: string;
  graph_id: string;
  entered_at: number;
  exited_at: number | null;
}

const AT = (t: string) => `entered_at <= ${t} AND (exited_at IS NULL OR exited_at > ${t})`;
const byAudience = (a: MembershipRow, b: MembershipRow) => (a.audienceId < b.audienceId ? -1 : a.audienceId > b.audienceId ? 1 : 0);

/** The open memberships of one graph from its stored set's text (none without one), by audience id. */
export function openMembershipsOf(graphId: IdentityKey, doc: string | undefined): MembershipRow[] {
  const set = doc === undefined ? emptySet() : (JSON.parse(doc) as MembershipSet);
  return rowsOfSet(graphId, set, (exitedAt) => exitedAt === null).sort(byAudience);
}

export function openAudienceTables(db: Database.Database, p: string) {
  migrateIntervalRows(db, p);
  const s = {
    set: db.prepare(`SELECT doc FROM ${p}membership_sets WHERE graph_id = ?`).pluck(),
    sets: db.prepare(`SELECT graph_id, doc FROM ${p}membership_sets WHERE graph_id IN (SELECT value FROM json_each(?))`),
    putSet: db.prepare(`INSERT INTO ${p}membership_sets (graph_id, doc) VALUES (?, ?) ON CONFLICT (graph_id) DO UPDATE SET doc = excluded.doc`),
    // A re-entry in the millisecond of an interval entered and left then takes its row: that interval holds no moment
    // (the set keeps both), so members, sizes and members as of a time read the same.
    enter: db.prepare(
      `INSERT INTO ${p}audience_members (audience_id, graph_id, entered_at, exited_at) VALUES (?, ?, ?, NULL)
       ON CONFLICT (audience_id, graph_id, entered_at) DO UPDATE SET exited_at = NULL WHERE exited_at = entered_at`,
    ),
    exit: db.prepare(`UPDATE ${p}audience_members SET exited_at = ? WHERE audience_id = ? AND graph_id = ? AND entered_at = ? AND exited_at IS NULL`),
    members: db.prepare(`SELECT * FROM ${p}audience_members WHERE audience_id = @audience AND graph_id > @after AND exited_at IS NULL ORDER BY graph_id LIMIT @limit`),
    membersAt: db.prepare(`SELECT * FROM ${p}audience_members WHERE audience_id = @audience AND graph_id > @after AND ${AT('@at')} ORDER BY graph_id LIMIT @limit`),
    count: db.prepare(`SELECT count(*) FROM ${p}audience_members WHERE audience_id = ? AND exited_at IS NULL`).pluck(),
    putBackfill: db.prepare(`INSERT OR REPLACE INTO ${p}audience_backfills (audience_id, doc) VALUES (?, ?)`),
    deleteBackfill: db.prepare(`DELETE FROM ${p}audience_backfills WHERE audience_id = ?`),
    backfills: db.prepare(`SELECT doc FROM ${p}audience_backfills ORDER BY audience_id`).pluck(),
  };
  /**
   * The sets as stored, parsed, while a commit group is open (openCache .. dropCache): a segment's parts read and
   * rewrite the same graphs' sets part after part (the audience step reads them, the write applies to them), and
   * reading and parsing them again was ~9 % of the fifty-audience fold. Only inside the group's transaction, which
   * holds the file's write lock, so every write to the sets is this connection's and goes through `write` (an
   * erasure waits for the group's end); a failed write may leave an entry ahead of what its rolled-back savepoint
   * kept, so the adapter forgets them all then (forgetCached). An entry is what its graph's row holds (a set, or
   * undefined: no row); callers get copies of its docs (rowsOfSet) and never the set itself.
   */
  let cached: Map<IdentityKey, MembershipSet | undefined> | undefined;
  const parsed = (doc: string | undefined) => (doc === undefined ? undefined : (JSON.parse(doc) as MembershipSet));
  const storedSet = (graphId: IdentityKey): MembershipSet | undefined => {
    if (cached?.has(graphId)) return cached.get(graphId);
    const set = parsed(s.set.get(graphId) as string | undefined);
    cached?.set(graphId, set);
    return set;
  };
  const setOf = (graphId: IdentityKey): MembershipSet => storedSet(graphId) ?? emptySet();
  const setsOf = (graphIds: readonly IdentityKey[]): Array<[IdentityKey, MembershipSet]> => {
    if (graphIds.length === 1) return [[graphIds[0]!, setOf(graphIds[0]!)]];
    if (cached) {
      const wanted = [...new Set(graphIds)];
      const missing = wanted.filter((g) => !cached!.has(g));
      if (missing.length > 0) {
        const found = new Map((s.sets.all(JSON.stringify(missing)) as { graph_id: string; doc: string }[]).map((r) => [r.graph_id, parsed(r.doc)]));
        for (const g of missing) cached.set(g, found.get(g));
      }
      return wanted.flatMap((g): Array<[IdentityKey, MembershipSet]> => {
        const set = cached!.get(g);
        return set ? [[g, set]] : [];
      });
    }
    return (s.sets.all(JSON.stringify(graphIds)) as { graph_id: string; doc: string }[]).map((r) => [r.graph_id, JSON.parse(r.doc) as MembershipSet]);
  };
  /**
   * Inside a whole commit group (`defer`), the sets rewritten wait in the cache for `flush` (the group's end): a graph
   * moved by several parts of a segment had its set rewritten after each. Reads of the sets go through the cache
   * meanwhile; the narrow rows are written at once (one per transition, nothing to share).
   */
  const unwritten = new Set<IdentityKey>();
  const write = (writes: AudienceWrites | undefined, defer = false) => {
    if (!writes) return;
    for (const [graphId, { exits, enters }] of writesByGraph(writes)) {
      const set = setOf(graphId);
      const { opened, closed } = applyToSet(set, exits, enters);
      if (opened.length + closed.length === 0) continue;
      // Out of the cache until its row holds it: a statement that fails below leaves the row as it was, not the set.
      cached?.delete(graphId);
      for (const c of closed) s.exit.run(c.exitedAt, c.audienceId, graphId, c.enteredAt);
      for (const o of opened) s.enter.run(o.audienceId, graphId, o.enteredAt);
      if (defer && cached) unwritten.add(graphId);
      else s.putSet.run(graphId, JSON.stringify(set));
      cached?.set(graphId, set);
    }
    for (const b of writes.backfills?.upsert ?? []) s.putBackfill.run(b.audienceId, JSON.stringify(b));
    for (const id of writes.backfills?.delete ?? []) s.deleteBackfill.run(id);
  };
  /** The narrow rows of a page, with their docs from the sets (each set read once). */
  const withDocs = (rows: MemberRow[]): MembershipRow[] => {
    const sets = new Map(setsOf([...new Set(rows.map((r) => r.graph_id))]));
    return rows.map((r) => {
      const set = sets.get(r.graph_id) ?? emptySet();
      const [row] = rowsOfSet(r.graph_id, set, (exitedAt, enteredAt) => enteredAt === r.entered_at && exitedAt === r.exited_at).filter((m) => m.audienceId === r.audience_id);
      return row ?? { audienceId: r.audience_id, graphId: r.graph_id, enteredAt: r.entered_at, ...(r.exited_at === null ? {} : { exitedAt: r.exited_at }), doc: {} };
    });
  };
  return {
    /** Inside the caller's transaction (a batch's, commitAudiences'). */
    write,
    /** A commit group began (its transaction is open): sets read or written from now on are kept. False: open already. */
    openCache(): boolean {
      if (cached) return false;
      cached = new Map();
      return true;
    },
    /** The group ended (committed or rolled back): nothing kept outlives its transaction. */
    dropCache(): void {
      cached = undefined;
      unwritten.clear();
    },
    /**
     * A write failed inside the group: its savepoint rolled back writes the kept sets may hold. (Sets wait unwritten
     * only in a whole group, which a failed write takes back whole.)
     */
    forgetCached(): void {
      cached?.clear();
      unwritten.clear();
    },
    get pending(): boolean {
      return unwritten.size > 0;
    },
    /** Writes the sets a whole group deferred, from the cache (inside the group's transaction). */
    flush(): void {
      const graphIds = [...unwritten];
      unwritten.clear();
      for (const graphId of graphIds) s.putSet.run(graphId, JSON.stringify(cached!.get(graphId)));
    },
    discard(): void {
      unwritten.clear();
    },
    /** Open memberships, by graph id then audience id. */
    ofGraphs: (graphIds: IdentityKey[]): MembershipRow[] =>
      setsOf(graphIds)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .flatMap(([graphId, set]) => rowsOfSet(graphId, set, (exitedAt) => exitedAt === null).sort(byAudience)),
    /** Every interval, by entry time then audience id. */
    intervals: (graphIds: IdentityKey[]): MembershipRow[] =>
      setsOf(graphIds)
        .flatMap(([graphId, set]) => rowsOfSet(graphId, set))
        .sort((a, b) => a.enteredAt - b.enteredAt || byAudience(a, b)),
    ofGraphAt: (graphId: IdentityKey, at: number): MembershipRow[] =>
      rowsOfSet(graphId, setOf(graphId), (exitedAt, enteredAt) => enteredAt <= at && (exitedAt === null || exitedAt > at)).sort(byAudience),
    members(query: MembersQuery): Page<MembershipRow> {
      const [after] = query.cursor ? decodeCursor<[string]>(query.cursor, ['string']) : [''];
      const params = { audience: query.audienceId, after, limit: query.limit, at: query.asOf };
      const rows = withDocs((query.asOf === undefined ? s.members : s.membersAt).all(params) as MemberRow[]);
      const last = rows[rows.length - 1];
      return { items: rows, ...(rows.length === query.limit && last ? { nextCursor: encodeCursor([last.graphId]) } : {}) };
    },
    count(audienceIds: string[]): Map<string, number> {
      return new Map(audienceIds.map((id) => [id, s.count.get(id) as number]));
    },
    backfills: (): AudienceBackfill[] => s.backfills.all().map((doc) => JSON.parse(doc as string) as AudienceBackfill),
  };
}

/**
 * A file written before the sets (one `memberships` row per interval, its doc merged on exit) is moved over once, in
 * one transaction, when the store opens it; the old table is dropped.
 */
function migrateIntervalRows(db: Database.Database, p: string): void {
  if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(`${p}memberships`)) return;
  const rows = db.prepare(`SELECT audience_id, graph_id, entered_at, exited_at, doc FROM ${p}memberships ORDER BY graph_id, entered_at, audience_id`).all() as Array<MemberRow & { doc: string }>;
  const putSet = db.prepare(`INSERT OR REPLACE INTO ${p}membership_sets (graph_id, doc) VALUES (?, ?)`);
  const putMember = db.prepare(`INSERT OR IGNORE INTO ${p}audience_members (audience_id, graph_id, entered_at, exited_at) VALUES (?, ?, ?, ?)`);
  db.transaction(() => {
    let graphId: string | undefined;
    let set = emptySet();
    const flush = () => graphId !== undefined && putSet.run(graphId, JSON.stringify(set));
    for (const r of rows) {
      if (r.graph_id !== graphId) {
        flush();
        [graphId, set] = [r.graph_id, emptySet()];
      }
      applyToSet(set, [], [{ audienceId: r.audience_id, graphId: r.graph_id, enteredAt: r.entered_at, doc: JSON.parse(r.doc) }]);
      if (r.exited_at !== null) set.m[set.m.length - 1]![2] = r.exited_at;
      putMember.run(r.audience_id, r.graph_id, r.entered_at, r.exited_at);
    }
    flush();
    db.exec(`DROP TABLE ${p}memberships`);
  })();
}
