import type Database from 'better-sqlite3';
import { eraseFromFeed, erasureRefsOf, numberAfterCheckpoint, type ChangeItem, type TimedDraft } from '../../../projections/change-feed';
import type { ChangeQuery, FeedErasure } from '../read-store.port';

/**
 * The change feed as two tables of the read models: the items by id (ids order like the log), and every profile id
 * an item names, so an erasure finds the subject's items without scanning the feed. Items are immutable once
 * stored (INSERT OR IGNORE: a re-applied batch writes the same ids); only an erasure removes or rewrites them.
 */
export function changeFeedSchemaSql(p: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${p}changes (id TEXT PRIMARY KEY, type TEXT NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${p}changes_by_type ON ${p}changes (type, id);
CREATE TABLE IF NOT EXISTS ${p}change_refs (
  profile_id TEXT NOT NULL, change_id TEXT NOT NULL, PRIMARY KEY (profile_id, change_id)
) WITHOUT ROWID;
`;
}

export type ChangeFeedTables = ReturnType<typeof openChangeFeedTables>;

export function openChangeFeedTables(db: Database.Database, p: string) {
  const insert = db.prepare(`INSERT OR IGNORE INTO ${p}changes (id, type, doc) VALUES (?, ?, ?)`);
  const insertRef = db.prepare(`INSERT OR IGNORE INTO ${p}change_refs (profile_id, change_id) VALUES (?, ?)`);
  const after = db.prepare(`SELECT doc FROM ${p}changes WHERE id > ? ORDER BY id LIMIT ?`);
  const afterOfTypes = db.prepare(
    `SELECT doc FROM ${p}changes WHERE id > @after AND type IN (SELECT value FROM json_each(@types)) ORDER BY id LIMIT @limit`,
  );
  const byId = db.prepare(`SELECT doc FROM ${p}changes WHERE id = ?`);
  const last = db.prepare(`SELECT id FROM ${p}changes ORDER BY id DESC LIMIT 1`);
  const countAfter = db.prepare(`SELECT count(*) AS n FROM ${p}changes WHERE id > ?`);
  const named = db.prepare(`SELECT DISTINCT profile_id FROM ${p}change_refs WHERE profile_id IN (SELECT value FROM json_each(?))`).pluck();
  const write = (items: readonly ChangeItem[] | undefined) => {
    for (const item of items ?? []) {
      if (insert.run(item.id, item.type, JSON.stringify(item)).changes === 0) continue;
      for (const profileId of erasureRefsOf(item)) insertRef.run(profileId, item.id);
    }
  };
  return {
    write,
    read(query: ChangeQuery): ChangeItem[] {
      const rows = (query.types?.length
        ? afterOfTypes.all({ after: query.after ?? '', types: JSON.stringify(query.types), limit: query.limit })
        : after.all(query.after ?? '', query.limit)) as { doc: string }[];
      return rows.map((r) => JSON.parse(r.doc) as ChangeItem);
    },
    get(id: string): ChangeItem | undefined {
      const row = byId.get(id) as { doc: string } | undefined;
      return row && (JSON.parse(row.doc) as ChangeItem);
    },
    lastId: () => (last.get() as { id: string } | undefined)?.id,
    countAfter: (id: string | undefined) => (countAfter.get(id ?? '') as { n: number }).n,
    named: (profileIds: readonly string[]) => named.all(JSON.stringify(profileIds)) as string[],
    /**
     * Changes no batch entry caused (audience lapses, backfills): numbered after the checkpoint, see
     * numberAfterCheckpoint. Call it inside the transaction that writes what they describe.
     */
    appendAfterCheckpoint(drafts: readonly TimedDraft[]): ChangeItem[] {
      if (drafts.length === 0) return [];
      const key = (db.prepare(`SELECT max(pos) AS pos FROM ${p}checkpoints`).get() as { pos: string | null }).pos ?? '';
      const taken = (db.prepare(`SELECT count(*) AS n FROM ${p}changes WHERE id >= ? AND id < ?`).get(`${key}-e`, `${key}-f`) as { n: number }).n;
      const items = numberAfterCheckpoint(key, taken, drafts);
      write(items);
      return items;
    },
    /** Inside the erasure's transaction: see eraseFromFeed. */
    erase(feed: FeedErasure, checkpointKey: string, current: readonly string[]): void {
      const ids = JSON.stringify(feed.profileIds);
      const lookedUp = JSON.stringify([...feed.profileIds, ...(feed.redacted ?? [])]);
      const named = (db.prepare(
        `SELECT DISTINCT c.doc FROM ${p}change_refs r JOIN ${p}changes c ON c.id = r.change_id
         WHERE r.profile_id IN (SELECT value FROM json_each(?)) ORDER BY c.id`,
      ).all(lookedUp) as { doc: string }[]).map((r) => JSON.parse(r.doc) as ChangeItem);
      const prefix = `${checkpointKey}-e`;
      const taken = (db.prepare(`SELECT count(*) AS n FROM ${p}changes WHERE id >= ? AND id < ?`).get(prefix, `${checkpointKey}-f`) as { n: number }).n;
      const out = eraseFromFeed(new Set(feed.profileIds), named, current, checkpointKey, feed.at, taken, new Set(feed.redacted));
      const remove = db.prepare(`DELETE FROM ${p}changes WHERE id = ?`);
      const rewrite = db.prepare(`UPDATE ${p}changes SET doc = ? WHERE id = ?`);
      for (const id of out.remove) remove.run(id);
      for (const item of out.rewrite) rewrite.run(JSON.stringify(item), item.id);
      db.prepare(`DELETE FROM ${p}change_refs WHERE profile_id IN (SELECT value FROM json_each(?))`).run(ids);
      // Notices get no refs: a later erasure of the same ids finds nothing left to purge or notice. An erasure whose
      // notices the projector wrote (at the SubjectErased event) only purges here.
      if (!feed.noticed) for (const notice of out.notices) insert.run(notice.id, notice.type, JSON.stringify(notice));
    },
  };
}
