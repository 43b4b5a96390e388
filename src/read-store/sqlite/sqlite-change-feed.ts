import type Database from 'better-sqlite3';
import { eraseFromFeed, erasureRefsOf, numberAfterCheckpoint, type ChangeItem, type TimedDraft } from '../../../projections/change-feed';
import type { ChangeQuery, FeedErasure } from '../read-store.port';

/**
 * The change feed as two tables of the read models: the items by id (ids order like the log), and, per profile id
 * an item names, the log key of the entry that caused it (an id is that key, a dash and an ordinal), so an erasure
 * finds the subject's items without scanning the feed: the items of those keys, kept where they name the subject.
 * One ref per (profile, entry), not per item: an entry that moves a profile through twenty audiences writes twenty
 * items and one ref, where a ref per item was a random b-tree insert each. Items are immutable once stored (INSERT
 * OR IGNORE: a re-applied batch writes the same ids); only an erasure removes or rewrites them.
 */
export function changeFeedSchemaSql(p: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${p}changes (id TEXT PRIMARY KEY, type TEXT NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${p}changes_by_type ON ${p}changes (type, id);
CREATE TABLE IF NOT EXISTS ${p}change_keys (
  profile_id TEXT NOT NULL, cause_key TEXT NOT NULL, PRIMARY KEY (profile_id, cause_key)
) WITHOUT ROWID;
`;
}

/** The log key an item id starts with (ids are `<key>-<ordinal>` or `<key>-e<moment><ordinal>`, the key all digits). */
const causeKeyOf = (id: string) => id.slice(0, id.indexOf('-'));

export type ChangeFeedTables = ReturnType<typeof openChangeFeedTables>;

export function openChangeFeedTables(db: Database.Database, p: string) {
  const insert = db.prepare(`INSERT OR IGNORE INTO ${p}changes (id, type, doc) VALUES (?, ?, ?)`);
  const insertRef = db.prepare(`INSERT OR IGNORE INTO ${p}change_keys (profile_id, cause_key) VALUES (?, ?)`);
  const after = db.prepare(`SELECT doc FROM ${p}changes WHERE id > ? ORDER BY id LIMIT ?`);
  const afterOfTypes = db.prepare(
    `SELECT doc FROM ${p}changes WHERE id > @after AND type IN (SELECT value FROM json_each(@types)) ORDER BY id LIMIT @limit`,
  );
  const byId = db.prepare(`SELECT doc FROM ${p}changes WHERE id = ?`);
  const last = db.prepare(`SELECT id FROM ${p}changes ORDER BY id DESC LIMIT 1`);
  const countAfter = db.prepare(`SELECT count(*) AS n FROM ${p}changes WHERE id > ?`);
  const named = db.prepare(`SELECT DISTINCT profile_id FROM ${p}change_keys WHERE profile_id IN (SELECT value FROM json_each(?))`).pluck();
  const write = (items: readonly ChangeItem[] | undefined) => {
    const refs = new Set<string>();
    for (const item of items ?? []) {
      if (insert.run(item.id, item.type, JSON.stringify(item)).changes === 0) continue;
      const key = causeKeyOf(item.id);
      for (const profileId of erasureRefsOf(item)) {
        const ref = `${profileId}\u0000${key}`;
        if (refs.has(ref)) continue;
        refs.add(ref);
        insertRef.run(profileId, key);
      }
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
      const last = (db.prepare(`SELECT max(id) AS id FROM ${p}changes WHERE id >= ? AND id < ?`).get(`${key}-e`, `${key}-f`) as { id: string | null }).id;
      const items = numberAfterCheckpoint(key, last ?? undefined, drafts);
      write(items);
      return items;
    },
    /** Inside the erasure's transaction: see eraseFromFeed. */
    erase(feed: FeedErasure, checkpointKey: string, current: readonly string[]): void {
      const ids = JSON.stringify(feed.profileIds);
      const lookedUp = JSON.stringify([...feed.profileIds, ...(feed.redacted ?? [])]);
      // Every item of the entries that named a looked-up id ('-' < '.': the range holds exactly the key's ids), kept
      // where it names one of them itself.
      const wanted = new Set([...feed.profileIds, ...(feed.redacted ?? [])]);
      const named = (db.prepare(
        `SELECT DISTINCT c.id, c.doc FROM ${p}change_keys r JOIN ${p}changes c ON c.id > r.cause_key || '-' AND c.id < r.cause_key || '.'
         WHERE r.profile_id IN (SELECT value FROM json_each(?)) ORDER BY c.id`,
      ).all(lookedUp) as { doc: string }[])
        .map((r) => JSON.parse(r.doc) as ChangeItem)
        .filter((item) => erasureRefsOf(item).some((id) => wanted.has(id)));
      const prefix = `${checkpointKey}-e`;
      const taken = (db.prepare(`SELECT count(*) AS n FROM ${p}changes WHERE id >= ? AND id < ?`).get(prefix, `${checkpointKey}-f`) as { n: number }).n;
      const out = eraseFromFeed(new Set(feed.profileIds), named, current, checkpointKey, feed.at, taken, new Set(feed.redacted), feed.redactBefore);
      const remove = db.prepare(`DELETE FROM ${p}changes WHERE id = ?`);
      const rewrite = db.prepare(`UPDATE ${p}changes SET doc = ? WHERE id = ?`);
      for (const id of out.remove) remove.run(id);
      for (const item of out.rewrite) rewrite.run(JSON.stringify(item), item.id);
      db.prepare(`DELETE FROM ${p}change_keys WHERE profile_id IN (SELECT value FROM json_each(?))`).run(ids);
      // Notices get no refs: a later erasure of the same ids finds nothing left to purge or notice. An erasure whose
      // notices the projector wrote (at the SubjectErased event) only purges here.
      if (!feed.noticed) for (const notice of out.notices) insert.run(notice.id, notice.type, JSON.stringify(notice));
    },
  };
}

/**
 * A file written with a ref per item (`change_refs`: profile id, item id) gets the refs by entry key instead, once,
 * in one transaction, when the store opens it (not a feed reader's connection); the old table is dropped.
 */
export function migrateItemRefs(db: Database.Database, p: string): void {
  if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(`${p}change_refs`)) return;
  db.transaction(() => {
    db.exec(`INSERT OR IGNORE INTO ${p}change_keys (profile_id, cause_key)
      SELECT profile_id, substr(change_id, 1, instr(change_id, '-') - 1) FROM ${p}change_refs`);
    db.exec(`DROP TABLE ${p}change_refs`);
  })();
}
