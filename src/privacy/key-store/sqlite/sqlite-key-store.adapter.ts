import Database from 'better-sqlite3';
import type { KeyStore } from '../key-store.port';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subject_keys (subject TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS suppressed (hash TEXT PRIMARY KEY) WITHOUT ROWID;
`;
const SALT = 'suppression-salt';
/** SQLite's default bound-parameter ceiling is far above this; chunks keep statements small. */
const CHUNK = 500;

/**
 * Keys in `${DATA_DIR}/keys.sqlite`. secure_delete overwrites a deleted key's bytes in the pages; after a deletion
 * the WAL is checkpointed and truncated and the file vacuumed, so no copy of the key survives in the file, its WAL
 * or its free pages. synchronous=FULL: a key must be durable before any event sealed with it is.
 */
export class SqliteKeyStore implements KeyStore {
  private readonly insert: Database.Statement;
  private readonly remove: Database.Statement;
  /** SELECTs by number of subjects: preparing one per call cost more than the read itself (every key creation and cache miss reads). */
  private readonly selects = new Map<number, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('secure_delete = ON');
    db.exec(SCHEMA);
    this.insert = db.prepare('INSERT OR IGNORE INTO subject_keys (subject, key) VALUES (?, ?)');
    this.remove = db.prepare('DELETE FROM subject_keys WHERE subject = ?');
  }

  async ensureKeys(subjectIds: string[], create: () => Buffer): Promise<Map<string, Buffer>> {
    this.db.transaction(() => subjectIds.forEach((id) => this.insert.run(id, create())))();
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
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.exec('VACUUM');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return removed;
  }

  async suppressionSalt(create: () => Buffer): Promise<Buffer> {
    this.db.prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)').run(SALT, create());
    return (this.db.prepare('SELECT value FROM secrets WHERE name = ?').get(SALT) as { value: Buffer }).value;
  }

  async addSuppressed(hashes: string[]): Promise<void> {
    const add = this.db.prepare('INSERT OR IGNORE INTO suppressed (hash) VALUES (?)');
    this.db.transaction(() => hashes.forEach((h) => add.run(h)))();
  }

  async listSuppressed(): Promise<string[]> {
    return (this.db.prepare('SELECT hash FROM suppressed').all() as Array<{ hash: string }>).map((r) => r.hash);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

export function openSqliteKeyStore(file: string): SqliteKeyStore {
  return new SqliteKeyStore(new Database(file));
}
