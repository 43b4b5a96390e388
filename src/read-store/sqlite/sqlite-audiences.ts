import type Database from 'better-sqlite3';
import type { IdentityKey } from '../../../projections/model';
import { decodeCursor, encodeCursor } from '../cursor';
import type { AudienceBackfill, AudienceWrites, MembersQuery, MembershipRow, Page } from '../read-store.port';

/**
 * Audience memberships as intervals (entered_at, exited_at NULL while a member) keyed by (audience, graph, entry
 * time), and the backfill records. Written inside a batch's transaction, or on their own for what time alone
 * changes (lapses, backfill steps).
 */
export function audienceSchemaSql(p: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${p}memberships (audience_id TEXT NOT NULL, graph_id TEXT NOT NULL, entered_at INTEGER NOT NULL,
  exited_at INTEGER, doc TEXT NOT NULL, PRIMARY KEY (audience_id, graph_id, entered_at)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${p}memberships_graph ON ${p}memberships (graph_id, entered_at);
CREATE TABLE IF NOT EXISTS ${p}audience_backfills (audience_id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
`;
}

/** SQL deleting an erased subject's memberships (`@keys`: a JSON array of identity keys). */
export function audienceErasureSql(p: string): string[] {
  return [`DELETE FROM ${p}memberships WHERE graph_id IN (SELECT value FROM json_each(@keys))`];
}

export type AudienceTables = ReturnType<typeof openAudienceTables>;

interface Row {
  audience_id: string;
  graph_id: string;
  entered_at: number;
  exited_at: number | null;
  doc: string;
}

const COLUMNS = 'audience_id, graph_id, entered_at, exited_at, doc';
const AT = (t: string) => `entered_at <= ${t} AND (exited_at IS NULL OR exited_at > ${t})`;

export function openAudienceTables(db: Database.Database, p: string) {
  const s = {
    enter: db.prepare(`INSERT OR IGNORE INTO ${p}memberships (${COLUMNS}) VALUES (?, ?, ?, NULL, ?)`),
    open: db.prepare(`SELECT doc FROM ${p}memberships WHERE audience_id = ? AND graph_id = ? AND exited_at IS NULL`).pluck(),
    exit: db.prepare(`UPDATE ${p}memberships SET exited_at = ?, doc = ? WHERE audience_id = ? AND graph_id = ? AND exited_at IS NULL`),
    ofGraphs: db.prepare(`SELECT ${COLUMNS} FROM ${p}memberships WHERE exited_at IS NULL AND graph_id IN (SELECT value FROM json_each(?)) ORDER BY graph_id, audience_id`),
    // One graph (a profile read): the (graph_id, entered_at) index alone, no json_each table, no sort of graphs.
    ofGraph: db.prepare(`SELECT ${COLUMNS} FROM ${p}memberships WHERE exited_at IS NULL AND graph_id = ? ORDER BY audience_id`),
    intervals: db.prepare(`SELECT ${COLUMNS} FROM ${p}memberships WHERE graph_id IN (SELECT value FROM json_each(?)) ORDER BY entered_at, audience_id`),
    ofGraphAt: db.prepare(`SELECT ${COLUMNS} FROM ${p}memberships WHERE graph_id = ? AND ${AT('@at')} ORDER BY audience_id`),
    members: db.prepare(`SELECT ${COLUMNS} FROM ${p}memberships WHERE audience_id = @audience AND graph_id > @after AND exited_at IS NULL ORDER BY graph_id LIMIT @limit`),
    membersAt: db.prepare(`SELECT ${COLUMNS} FROM ${p}memberships WHERE audience_id = @audience AND graph_id > @after AND ${AT('@at')} ORDER BY graph_id LIMIT @limit`),
    count: db.prepare(`SELECT count(*) FROM ${p}memberships WHERE audience_id = ? AND exited_at IS NULL`).pluck(),
    putBackfill: db.prepare(`INSERT OR REPLACE INTO ${p}audience_backfills (audience_id, doc) VALUES (?, ?)`),
    deleteBackfill: db.prepare(`DELETE FROM ${p}audience_backfills WHERE audience_id = ?`),
    backfills: db.prepare(`SELECT doc FROM ${p}audience_backfills ORDER BY audience_id`).pluck(),
  };
  const write = (writes: AudienceWrites | undefined) => {
    if (!writes) return;
    // Exits first: a batch may close an interval and open the next one of the same pair.
    for (const e of writes.exit ?? []) {
      const open = s.open.get(e.audienceId, e.graphId) as string | undefined;
      if (open !== undefined) s.exit.run(e.exitedAt, JSON.stringify({ ...JSON.parse(open), ...e.doc }), e.audienceId, e.graphId);
    }
    for (const r of writes.enter ?? []) s.enter.run(r.audienceId, r.graphId, r.enteredAt, JSON.stringify(r.doc));
    for (const b of writes.backfills?.upsert ?? []) s.putBackfill.run(b.audienceId, JSON.stringify(b));
    for (const id of writes.backfills?.delete ?? []) s.deleteBackfill.run(id);
  };
  return {
    write,
    commit: db.transaction((writes: AudienceWrites) => write(writes)),
    ofGraphs: (graphIds: IdentityKey[]): MembershipRow[] =>
      ((graphIds.length === 1 ? s.ofGraph.all(graphIds[0]) : s.ofGraphs.all(JSON.stringify(graphIds))) as Row[]).map(toRow),
    intervals: (graphIds: IdentityKey[]): MembershipRow[] => (s.intervals.all(JSON.stringify(graphIds)) as Row[]).map(toRow),
    ofGraphAt: (graphId: IdentityKey, at: number): MembershipRow[] => (s.ofGraphAt.all(graphId, { at }) as Row[]).map(toRow),
    members(query: MembersQuery): Page<MembershipRow> {
      const [after] = query.cursor ? decodeCursor<[string]>(query.cursor, ['string']) : [''];
      const params = { audience: query.audienceId, after, limit: query.limit, at: query.asOf };
      const rows = ((query.asOf === undefined ? s.members : s.membersAt).all(params) as Row[]).map(toRow);
      const last = rows[rows.length - 1];
      return { items: rows, ...(rows.length === query.limit && last ? { nextCursor: encodeCursor([last.graphId]) } : {}) };
    },
    count(audienceIds: string[]): Map<string, number> {
      return new Map(audienceIds.map((id) => [id, s.count.get(id) as number]));
    },
    backfills: (): AudienceBackfill[] => s.backfills.all().map((doc) => JSON.parse(doc as string) as AudienceBackfill),
  };
}

function toRow(row: Row): MembershipRow {
  return {
    audienceId: row.audience_id,
    graphId: row.graph_id,
    enteredAt: row.entered_at,
    ...(row.exited_at === null ? {} : { exitedAt: row.exited_at }),
    doc: JSON.parse(row.doc),
  };
}
