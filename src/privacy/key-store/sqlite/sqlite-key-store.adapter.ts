import Database from 'better-sqlite3';
import type { KeyStore } from '../key-store.port';
import { WalSync, type FsyncFn } from '../../../common/sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subject_keys (subject TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS suppressed (hash TEXT PRIMARY KEY) WITHOUT ROWID;
`;
const SALT = 'suppression-salt';
/** SQLite's default bound-parameter ceiling is far above this; chunks keep statements small. */
const CHUNK = 500;

/**
 * Keys in `${DATA_DIR}/keys.sqlite`. secure_delete overwrites a deleted key's bytes in its page, and zeroes a page
 * that a deletion frees; after a deletion the WAL is checkpointed and truncated, so no copy of the key survives in
 * the file, its WAL or its free pages. No VACUUM: it rewrote the whole file on every erasure (196 ms of a 490 ms
 * linked erasure at 1M events, growing with the number of subjects), and the contract test shows secure_delete
 * alone leaves no byte of thousands of deleted keys behind.
 *
 * A key must be durable before any event sealed with it is, so no write resolves before its commit is on disk. The
 * connection commits at synchronous=NORMAL and every write then waits for an fsync of the WAL in the thread pool
 * (src/common/sqlite/wal-sync.ts): as durable as FULL, without blocking the event loop for the flush of every new
 * subject's key (8 % of single-event ingest, issue 17). After a failed fsync every later write fails too (WalSync). `ensureKeys` syncs even when it inserted nothing: the key it returns may be
 * another process's commit whose own sync has not finished yet.
 */
export class SqliteKeyStore implements KeyStore {
  private readonly insert: Database.Statement;
  private readonly remove: Database.Statement;
  /** SELECTs by number of subjects: preparing one per call cost more than the read itself (every key creation and cache miss reads). */
  private readonly selects = new Map<number, Database.Statement>();
  private readonly wal: WalSync;

  constructor(
    private readonly db: Database.Database,
    fsyncFd?: FsyncFn,
  ) {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('secure_delete = ON');
    db.exec(SCHEMA);
    this.insert = db.prepare('INSERT OR IGNORE INTO subject_keys (subject, key) VALUES (?, ?)');
    this.remove = db.prepare('DELETE FROM subject_keys WHERE subject = ?');
    // A read opens (and if need be creates) the WAL, so the file is there to be synced.
    db.prepare('SELECT count(*) FROM secrets').get();
    this.wal = WalSync.open(`${db.name}-wal`, fsyncFd);
  }

  async ensureKeys(subjectIds: string[], create: () => Buffer): Promise<Map<string, Buffer>> {
    this.db.transaction(() => subjectIds.forEach((id) => this.insert.run(id, create())))();
    await this.wal.sync();
    return this.getKeys(subjectIds);
  }

  async getKeys(subjectIds: string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    for (let i = 0; i < subjectIds.length; i += CHUNK) {
      const part = subjectIds.slice(i, i + CHUNK);
      const rows = this.selectOf(part.length).all(...part) as Array<{ subject: string; key: Buffer }>;
      rows.forEach((r) => found.set(r.subject, r.key));
    }
    return found;
  }

  private selectOf(count: number): Database.Statement {
    let select = this.selects.get(count);
    if (!select) {
      select = this.db.prepare(`SELECT subject, key FROM subject_keys WHERE subject IN (${Array.from({ length: count }, () => '?').join(',')})`);
      this.selects.set(count, select);
    }
    return select;
  }

  async deleteKeys(subjectIds: string[]): Promise<number> {
    const removed = this.db.transaction(() => subjectIds.reduce((n, id) => n + this.remove.run(id).changes, 0))();
    // Durable before the checkpoint: one that another process's reader keeps from finishing leaves it in the WAL.
    await this.wal.sync();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return removed;
  }

  async suppressionSalt(create: () => Buffer): Promise<Buffer> {
    this.db.prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)').run(SALT, create());
    await this.wal.sync();
    return (this.db.prepare('SELECT value FROM secrets WHERE name = ?').get(SALT) as { value: Buffer }).value;
  }

  async addSuppressed(hashes: string[]): Promise<void> {
    const add = this.db.prepare('INSERT OR IGNORE INTO suppressed (hash) VALUES (?)');
    this.db.transaction(() => hashes.forEach((h) => add.run(h)))();
    await this.wal.sync();
  }

  async listSuppressed(): Promise<string[]> {
    return (this.db.prepare('SELECT hash FROM suppressed').all() as Array<{ hash: string }>).map((r) => r.hash);
  }

  async check(): Promise<void> {
    // A failed fsync fails every later write (WalSync): no new subject could be given a key until a restart.
    const failed = this.wal.failed;
    if (failed) throw new Error(`the key store's WAL could not be synced: ${failed.error instanceof Error ? failed.error.message : String(failed.error)}`);
    this.db.prepare('SELECT count(*) FROM secrets').get();
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    await this.wal.close();
    this.db.close();
  }
}

export function openSqliteKeyStore(file: string): SqliteKeyStore {
  return new SqliteKeyStore(new Database(file));
}
