import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoKeyStore, openMongoKeyStore } from '../../src/privacy/key-store/mongodb';
import Database from 'better-sqlite3';
import { openSqliteKeyStore, SqliteKeyStore } from '../../src/privacy/key-store/sqlite';
import { startJongodb, type Jongodb } from '../support/jongodb';
import { describeKeyStoreContract } from './key-store.contract';

describeKeyStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-ks-'));
  const store = openSqliteKeyStore(join(dir, 'keys.sqlite'));
  return { store, dispose: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
});

let jongodb: Jongodb | undefined;
beforeAll(async () => {
  jongodb = await startJongodb();
});
afterAll(() => jongodb?.stop());

describeKeyStoreContract('mongodb on jongodb', async () => {
  const store = openMongoKeyStore(jongodb!.uri, `tessera_ks_${randomUUID().replace(/-/g, '')}`);
  return { store, dispose: () => store.close() };
});

// The same promises on a real MongoDB (a replica set, where majority concerns mean something).
const realServer = process.env.MONGODB_URL;
(realServer ? describe : describe.skip)('a real MongoDB at MONGODB_URL', () => {
  describeKeyStoreContract('mongodb on MONGODB_URL', async () => {
    const store = openMongoKeyStore(realServer as string, `tessera_ks_${randomUUID().replace(/-/g, '')}`);
    return { store, dispose: () => store.close() };
  });
});

describe('SQLite key store: a deleted key leaves no byte behind', () => {
  it('is gone from the file, its WAL and its free pages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ks-'));
    const store = openSqliteKeyStore(join(dir, 'keys.sqlite'));
    const secret = Buffer.from('0123456789abcdef0123456789ABCDEF', 'utf8');
    const other = Buffer.from('ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvu', 'utf8');
    await store.ensureKeys(['erased'], () => Buffer.from(secret));
    await store.ensureKeys(['kept'], () => Buffer.from(other));
    const bytes = () => Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
    expect(bytes().includes(secret)).toBe(true);
    await store.deleteKeys(['erased']);
    expect(bytes().includes(secret)).toBe(false);
    expect(bytes().includes(other)).toBe(true);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves none behind when the deleted keys sat among thousands, across page splits and merges', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ks-'));
    const store = openSqliteKeyStore(join(dir, 'keys.sqlite'));
    const keyOf = (i: number) => Buffer.from(`k${String(i).padStart(6, '0')}-${'secret-key-bytes'.repeat(2)}`.slice(0, 32), 'utf8');
    const subjects = Array.from({ length: 5000 }, (_, i) => `subject-${String(i).padStart(6, '0')}`);
    for (let i = 0; i < subjects.length; i += 250) {
      const part = subjects.slice(i, i + 250);
      await store.ensureKeys(part, (() => { let n = i; return () => keyOf(n++); })());
    }
    const bytes = () => Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
    // Every third subject, and then a whole run of them, so pages empty out and merge.
    const erased = subjects.map((s, i) => ({ s, i })).filter(({ i }) => i % 3 === 0 || (i >= 2000 && i < 3000));
    expect(bytes().includes(keyOf(erased[0].i))).toBe(true);
    for (let i = 0; i < erased.length; i += 400) await store.deleteKeys(erased.slice(i, i + 400).map((e) => e.s));
    const file = bytes();
    expect(erased.filter((e) => file.includes(keyOf(e.i))).map((e) => e.s)).toEqual([]);
    expect(file.includes(keyOf(1))).toBe(true);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('SQLite key store: a write resolves once its commit is on disk', () => {
  it('waits for an fsync of the WAL started after the commit, shared by the writes that came while one ran', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ks-'));
    const syncs: Array<{ walBytes: number; done: () => void }> = [];
    const wal = join(dir, 'keys.sqlite-wal');
    const store = new SqliteKeyStore(new Database(join(dir, 'keys.sqlite')), (_fd) =>
      new Promise<void>((done) => syncs.push({ walBytes: readFileSync(wal).length, done })),
    );
    try {
      let first = false;
      const creating = store.ensureKeys(['a'], () => Buffer.alloc(32, 1)).then(() => (first = true));
      await new Promise((r) => setImmediate(r));
      expect(syncs).toHaveLength(1);
      expect(syncs[0].walBytes).toBeGreaterThan(0); // the commit was written before its sync began
      expect(first).toBe(false);
      // Two more writes while the first sync runs: they share one sync, which starts after it.
      const [second, third] = [store.ensureKeys(['b'], () => Buffer.alloc(32, 2)), store.addSuppressed(['h'])];
      await new Promise((r) => setImmediate(r));
      expect(syncs).toHaveLength(1);
      syncs[0].done();
      await creating;
      expect(first).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(syncs).toHaveLength(2);
      syncs[1].done();
      expect((await second).get('b')).toEqual(Buffer.alloc(32, 2));
      await third;
      // Nothing new to create still syncs: the key read back may be another process's commit, not yet on disk.
      const again = store.ensureKeys(['a'], () => Buffer.alloc(32, 9));
      await new Promise((r) => setImmediate(r));
      expect(syncs).toHaveLength(3);
      syncs[2].done();
      expect((await again).get('a')).toEqual(Buffer.alloc(32, 1));
    } finally {
      syncs.forEach((s) => s.done());
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite key store: a failed fsync', () => {
  it('fails every later write and the readiness check, naming the WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ks-'));
    const store = new SqliteKeyStore(new Database(join(dir, 'keys.sqlite')), () => Promise.reject(new Error('EIO: i/o error, fsync')));
    try {
      await expect(store.check()).resolves.toBeUndefined();
      await expect(store.ensureKeys(['a'], () => Buffer.alloc(32, 1))).rejects.toThrow('EIO');
      await expect(store.check()).rejects.toThrow(/WAL could not be synced: EIO/);
      await expect(store.addSuppressed(['h'])).rejects.toThrow('EIO');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('MongoDB key store: durability across a failover', () => {
  it('writes keys with majority write concern (journaled) and reads them with majority read concern', async () => {
    const client = new MongoClient(jongodb!.uri, { monitorCommands: true });
    const commands: { name: string; command: Record<string, unknown> }[] = [];
    client.on('commandStarted', (event) => commands.push({ name: event.commandName, command: event.command }));
    const store = new MongoKeyStore(client, `tessera_ks_${randomUUID().replace(/-/g, '')}`);
    try {
      await store.ensureKeys(['subject'], () => Buffer.alloc(32, 1));
      await store.addSuppressed(['hash']);
      await store.deleteKeys(['subject']);
      const writes = commands.filter((c) => ['insert', 'delete'].includes(c.name));
      const reads = commands.filter((c) => c.name === 'find');
      expect(writes.length).toBeGreaterThanOrEqual(3);
      expect(reads.length).toBeGreaterThanOrEqual(1);
      for (const w of writes) expect(w.command.writeConcern).toEqual({ w: 'majority', j: true });
      for (const r of reads) expect(r.command.readConcern).toEqual({ level: 'majority' });
    } finally {
      await store.close();
    }
  });
});
