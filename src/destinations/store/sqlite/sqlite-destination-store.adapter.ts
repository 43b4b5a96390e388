import Database from 'better-sqlite3';
import type { DestinationDefinition, DestinationProgress, StoredDestination } from '../../destination';
import type { DestinationStore } from '../../destination-store.port';

interface Row {
  id: string;
  definition: string;
  secret: string;
  created_at: number;
  progress: string;
}

/**
 * Destinations in their own small SQLite file (DATA_DIR/destinations.sqlite), WAL with synchronous=NORMAL: a commit
 * survives the process being killed at any point; only a power cut can take back the last few cursor writes, and
 * that means redelivering those changes (at least once still holds), never losing one. An fsync per delivery
 * would cap one destination at the disk's fsync rate.
 */
export class SqliteDestinationStore implements DestinationStore {
  /** The two statements every delivery runs (a definition read per page or retry, a progress write per item). */
  private readonly byId: Database.Statement;
  private readonly progressOf: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE IF NOT EXISTS destinations (
      id TEXT PRIMARY KEY, definition TEXT NOT NULL, secret TEXT NOT NULL, created_at INTEGER NOT NULL, progress TEXT NOT NULL
    ) WITHOUT ROWID`);
    this.byId = db.prepare('SELECT * FROM destinations WHERE id = ?');
    this.progressOf = db.prepare('UPDATE destinations SET progress = ? WHERE id = ?');
  }

  async get(id: string): Promise<StoredDestination | undefined> {
    const row = this.byId.get(id) as Row | undefined;
    return row && toStored(row);
  }

  async list(): Promise<StoredDestination[]> {
    return (this.db.prepare('SELECT * FROM destinations ORDER BY id').all() as Row[]).map(toStored);
  }

  async put(definition: DestinationDefinition, create: { secret: string; cursor?: string; createdAt: number }): Promise<{ created: boolean }> {
    const json = JSON.stringify(definition);
    const updated = this.db.prepare('UPDATE destinations SET definition = ? WHERE id = ?').run(json, definition.id);
    if (updated.changes === 1) return { created: false };
    const progress = JSON.stringify({ cursor: create.cursor });
    this.db.prepare('INSERT INTO destinations (id, definition, secret, created_at, progress) VALUES (?, ?, ?, ?, ?)')
      .run(definition.id, json, create.secret, create.createdAt, progress);
    return { created: true };
  }

  async delete(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM destinations WHERE id = ?').run(id).changes === 1;
  }

  async saveProgress(id: string, progress: DestinationProgress): Promise<void> {
    this.progressOf.run(JSON.stringify(progress), id);
  }

  async disable(id: string, reason: string): Promise<void> {
    const row = this.db.prepare('SELECT definition, progress FROM destinations WHERE id = ?').get(id) as Pick<Row, 'definition' | 'progress'> | undefined;
    if (!row) return;
    const definition = { ...JSON.parse(row.definition), enabled: false };
    const progress = { ...JSON.parse(row.progress), disabledReason: reason, failingSince: undefined };
    this.db.prepare('UPDATE destinations SET definition = ?, progress = ? WHERE id = ?').run(JSON.stringify(definition), JSON.stringify(progress), id);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function toStored(row: Row): StoredDestination {
  const definition = JSON.parse(row.definition) as DestinationDefinition;
  const progress = JSON.parse(row.progress) as DestinationProgress;
  return { ...definition, ...progress, secret: row.secret, createdAt: row.created_at };
}

export function openSqliteDestinationStore(file: string): SqliteDestinationStore {
  return new SqliteDestinationStore(new Database(file));
}
