import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import { fragment, node, profile } from './read-store.fixtures';

/**
 * An erasure in read-models.sqlite leaves no byte of the erased rows. A file the read store created has run with
 * secure_delete from its first page, so its erasures need no VACUUM (which, on a large file, held the first erasure
 * for seconds); a file written before that may hold old copies in free pages, and its first erasure vacuums it.
 */
const SECRET = 'tom-secret-attribute-';
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tessera-scrub-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytesOf = (value: string) => readdirSync(dir).filter((name) => readFileSync(join(dir, name)).includes(Buffer.from(value)));
const freePages = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('freelist_count', { simple: true }) as number;
  } finally {
    db.close();
  }
};

async function eraseTom(file: string): Promise<void> {
  const store = await openSqliteReadStore(file);
  // Large enough to take overflow pages of its own, which the delete frees.
  const attributes = { note: SECRET.repeat(2000) };
  await store.commit({ nodes: { upsert: [node('CRMID:tom')] }, fragments: { upsert: [fragment('crm', 'CRMID:tom', attributes)] }, profiles: { upsert: [profile('CRMID:tom', 5000, attributes)] } }, { projector: 'profiles', position: '1' });
  await store.eraseSubjects({ identityKeys: ['CRMID:tom'], streams: ['subject-tom'], rewrittenEvents: [] });
  await store.close();
}

it('erases from a file it created without a VACUUM: the freed pages stay, zeroed', async () => {
  const file = join(dir, 'read-models.sqlite');
  await eraseTom(file);
  expect(bytesOf(SECRET)).toEqual([]);
  expect(freePages(file)).toBeGreaterThan(0);
});

it('vacuums a file written before, once, on its first erasure: no old copy is left in its free pages', async () => {
  const file = join(dir, 'read-models.sqlite');
  const old = new Database(file);
  old.pragma('journal_mode = WAL');
  old.pragma('secure_delete = OFF');
  old.exec('CREATE TABLE legacy (doc TEXT)');
  old.prepare('INSERT INTO legacy (doc) VALUES (?)').run('old-copy-of-ann-'.repeat(2000));
  old.exec('DELETE FROM legacy');
  old.close();
  expect(bytesOf('old-copy-of-ann-')).toEqual(['read-models.sqlite']);
  await eraseTom(file);
  expect(bytesOf('old-copy-of-ann-')).toEqual([]);
  expect(bytesOf(SECRET)).toEqual([]);
  expect(freePages(file)).toBe(0);
});
