import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import { comparePositions } from '../../src/event-store/position';
import { MAIN_PROJECTOR } from '../../src/projector';
import { openMongoReadStore } from '../../src/read-store/mongodb';
import { positionKey } from '../../src/read-store/position-key';
import { projectorSuite } from '../support/projector-suite';
import { appendConcurrently, experience, ids, link, record } from '../support/log-fixtures';
import { expectEqualToRebuild } from '../support/read-model-dump';

/**
 * The MongoDB twin of projector-crash.test.ts. A MongoDB commit is many writes and then the checkpoint (no
 * transaction), so the projector process is SIGKILLed while a commit is half done: some documents already carry
 * the new batch's position, the checkpoint does not. Restarted, it must end exactly where a rebuild ends.
 */
const HASH_KEY = 'crash-test-key-0123456789';
const MAX_KILLS = 10;
const suite = projectorSuite('tessera-projector-crash-mongo-');

/** The server's URI naming another database (jongodb's names one already: `mongodb://host:port/test`). */
function withDb(uri: string, db: string): string {
  const url = new URL(uri);
  url.pathname = `/${db}`;
  return url.toString();
}

function startProjector(mongodbUrl: string): ChildProcess {
  const env = { ...suite.child.env, DATA_DIR: join(suite.dir, 'data'), MONGODB_URL: mongodbUrl, LOG_LEVEL: 'warn', IDENTITY_HASH_KEY: HASH_KEY, PROJECTOR_BATCH_SIZE: '100' };
  return spawn(process.execPath, [suite.child.script], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

function workload() {
  const items = [];
  for (let i = 0; i < 900; i++) {
    items.push(record(i % 3 === 0 ? 'crm' : 'loyalty', i, ids(`CRMID:c${i % 150}`, `Email:p${i % 180}@x.com`), { n: i, tier: `t${i % 4}` }));
    items.push(link(i, ids(`Email:p${i % 180}@x.com`, `ECID:k${i % 61}`)));
    items.push(experience(i, ids(`ECID:k${i % 61}`), 'view', { i }));
  }
  return items;
}

/** Documents written by a batch after the committed checkpoint: the store is in the middle of a commit. */
async function halfCommitted(client: MongoClient, db: string): Promise<boolean> {
  const database = client.db(db);
  const checkpoint = await database.collection<{ _id: string; pos?: string }>('v1_checkpoints').findOne({ _id: MAIN_PROJECTOR });
  // The projector's lease lives in the same document: before the first commit it holds only that.
  if (checkpoint?.pos === undefined) return false;
  for (const name of ['v1_nodes', 'v1_links', 'v1_fragments', 'v1_profiles']) {
    if (await database.collection<{ pos: string }>(name).findOne({ pos: { $gt: checkpoint.pos } })) return true;
  }
  return false;
}

/**
 * Starts the projector on a fresh database and kills it as soon as a commit is seen under way; true when the kill
 * left the store half committed (the commit may also have finished between the look and the kill).
 */
async function killMidCommit(client: MongoClient, db: string, head: string): Promise<boolean> {
  const running = startProjector(withDb(uri, db));
  for (;;) {
    if (await halfCommitted(client, db)) break;
    const checkpoint = await client.db(db).collection<{ _id: string; position?: string }>('v1_checkpoints').findOne({ _id: MAIN_PROJECTOR });
    if (checkpoint?.position !== undefined && comparePositions(checkpoint.position, head) >= 0) break;
  }
  running.kill('SIGKILL');
  await new Promise((r) => running.once('close', r));
  return halfCommitted(client, db);
}

let uri: string;

it('after a SIGKILL in the middle of a MongoDB commit and a restart, the read models equal a rebuild', async () => {
  uri = suite.jongodb.uri;
  mkdirSync(join(suite.dir, 'data'));
  const log = openSqliteEventStore(join(suite.dir, 'data', 'events.sqlite'));
  await appendConcurrently(log, workload());
  const head = (await log.headPosition())!;
  const client = await MongoClient.connect(suite.jongodb.uri);

  let db = '';
  let caughtHalfway = false;
  for (let attempt = 0; attempt < MAX_KILLS && !caughtHalfway; attempt++) {
    db = `tessera_crash_${randomUUID().replace(/-/g, '')}`;
    caughtHalfway = await killMidCommit(client, db, head);
  }
  expect(caughtHalfway).toBe(true);
  const url = withDb(suite.jongodb.uri, db);
  const checkpoint = await client.db(db).collection<{ _id: string; position: string }>('v1_checkpoints').findOne({ _id: MAIN_PROJECTOR });
  expect(comparePositions(checkpoint!.position, head)).toBeLessThan(0);

  const live = await openMongoReadStore(url);
  const restarted = startProjector(url);
  for (;;) {
    const at = await live.getCheckpoint(MAIN_PROJECTOR);
    if (at !== undefined && comparePositions(at, head) >= 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  restarted.kill('SIGTERM');
  await new Promise((r) => restarted.once('close', r));

  const fresh = await openMongoReadStore(suite.jongodb.uri, { dbName: `${db}_rebuild` });
  await expectEqualToRebuild(log, live, fresh, HASH_KEY);
  await Promise.all([live.close(), fresh.close(), log.close(), client.close()]);
}, 240_000);
