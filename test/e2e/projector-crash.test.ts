import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveEventId, encode } from '../../src/events';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import { comparePositions } from '../../src/event-store/position';
import { SETTINGS_STREAM } from '../../src/identity/identity-settings.decider';
import { MAIN_PROJECTOR } from '../../src/projector';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import { DEFAULT_SETTINGS } from '../../projections/model';
import { compileForNode } from '../support/compile-for-node';
import { appendConcurrently, experience, ids, link, record } from '../support/log-fixtures';
import { expectEqualToRebuild } from '../support/read-model-dump';

/**
 * The projector process is SIGKILLed while it works through a log of several thousand items; restarted on the same
 * files it must end exactly where a from-scratch rebuild of the same log ends: checkpoints are committed with the
 * writes they cover, so a kill loses only uncommitted work, which the restart redoes once.
 */
const HASH_KEY = 'crash-test-key-0123456789';
let dir: string;
let child: { script: string; env: NodeJS.ProcessEnv };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-projector-crash-'));
  child = compileForNode(join(__dirname, '../../src/projector/projector.main.ts'), join(dir, 'build'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startProjector(): ChildProcess {
  return spawn(process.execPath, [child.script], {
    env: { ...child.env, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn', IDENTITY_HASH_KEY: HASH_KEY, PROJECTOR_BATCH_SIZE: '25' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const until = async (condition: () => boolean | Promise<boolean>) => {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 5));
};

function workload() {
  const items = [];
  for (let i = 0; i < 1500; i++) {
    items.push(record(i % 3 === 0 ? 'crm' : 'loyalty', i, ids(`CRMID:c${i % 250}`, `Email:p${i % 300}@x.com`), { n: i, tier: `t${i % 4}` }));
    items.push(link(i, ids(`Email:p${i % 300}@x.com`, `ECID:k${i % 97}`)));
    items.push(experience(i, ids(`ECID:k${i % 97}`), 'view', { i }));
  }
  return items;
}

it('after a SIGKILL mid-stream and a restart, the read models equal a full rebuild from the log', async () => {
  mkdirSync(join(dir, 'data'));
  const log = openSqliteEventStore(join(dir, 'data', 'events.sqlite'));
  const items = workload();
  await appendConcurrently(log, items.slice(0, 900));
  const relaxed = { ...DEFAULT_SETTINGS, namespaces: DEFAULT_SETTINGS.namespaces.map((n) => ({ ...n, unique: false })), version: 1 };
  await log.append(SETTINGS_STREAM, [encode({ type: 'IdentitySettingsChanged', data: relaxed }, deriveEventId('settings', 't', '1'))]);
  await appendConcurrently(log, items.slice(900));
  const head = (await log.headPosition())!;

  const live = await openSqliteReadStore(join(dir, 'data', 'read-models.sqlite'));
  const first = startProjector();
  // Its log lines come in bursts (pino buffers): watch the committed checkpoint itself, as a second reader.
  await until(async () => (await live.getCheckpoint(MAIN_PROJECTOR)) !== undefined);
  first.kill('SIGKILL');
  await new Promise((r) => first.once('close', r));
  const killedAt = (await live.getCheckpoint(MAIN_PROJECTOR))!;
  expect(comparePositions(killedAt, head)).toBeLessThan(0);

  const second = startProjector();
  await until(async () => {
    const at = await live.getCheckpoint(MAIN_PROJECTOR);
    return at !== undefined && comparePositions(at, head) >= 0;
  });
  second.kill('SIGTERM');
  await new Promise((r) => second.once('close', r));

  const fresh = await openSqliteReadStore(join(dir, 'fresh.sqlite'));
  await expectEqualToRebuild(log, live, fresh, HASH_KEY);
  await Promise.all([live.close(), fresh.close(), log.close()]);
}, 120_000);
