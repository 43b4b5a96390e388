import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalCheckpointer } from './wal-checkpointer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A writer that never checkpoints by itself: whatever reaches the database file was copied there by the thread. */
function writer(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (v TEXT)');
  return db;
}

const fill = (db: Database.Database) => {
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(1000));
  })();
};

/**
 * Every frame of the WAL copied, as the WAL index (the -shm file's header) says: the database file grows at the
 * start of a checkpoint, before its pages are copied, so its size alone does not say the checkpoint is done.
 */
function allCopied(file: string): boolean {
  const header = readFileSync(`${file}-shm`).subarray(0, 100);
  return header.readUInt32LE(16) > 0 && header.readUInt32LE(16) === header.readUInt32LE(96);
}

async function until(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !condition(); i++) await sleep(20);
  return condition();
}

describe('WalCheckpointer', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
    file = join(dir, 'db.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the WAL into the database file from its own thread', async () => {
    const db = writer(file);
    const checkpointer = WalCheckpointer.start(file, 10);
    try {
      const before = statSync(file).size;
      fill(db);
      expect(await until(() => statSync(file).size > before + 100_000 && allCopied(file))).toBe(true);
      // The writer starts the WAL over at its next write once the thread's checkpoint reached the WAL's end.
      const walSize = statSync(`${file}-wal`).size;
      db.prepare('INSERT INTO t (v) VALUES (?)').run('y');
      fill(db);
      expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(walSize);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('starts no checkpoint while paused, so the writer can truncate the WAL itself', async () => {
    const db = writer(file);
    const checkpointer = WalCheckpointer.start(file, 5);
    try {
      const before = statSync(file).size;
      const truncated = await checkpointer.paused(async () => {
        fill(db);
        await sleep(100);
        expect(statSync(file).size).toBe(before);
        return db.pragma('wal_checkpoint(TRUNCATE)', { simple: true });
      });
      expect(truncated).toBe(0);
      expect(statSync(`${file}-wal`).size).toBe(0);
      fill(db);
      const after = statSync(file).size;
      expect(await until(() => statSync(file).size > after)).toBe(true);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('closes its connection before the writer, which then removes the WAL as the last one to close', async () => {
    const db = writer(file);
    const checkpointer = WalCheckpointer.start(file, 5);
    fill(db);
    await checkpointer.close();
    await checkpointer.close();
    db.close();
    expect(() => statSync(`${file}-wal`)).toThrow();
  });
});
