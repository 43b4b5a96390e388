import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import { comparePositions } from '../../src/event-store/position';
import { MAIN_PROJECTOR } from '../../src/projector';
import { openReadStore, type LeaseState, type ReadStore, type ReadStoreTarget } from '../../src/read-store';
import { projectorSuite } from '../support/projector-suite';
import { appendConcurrently, experience, ids, link, record } from '../support/log-fixtures';
import { expectEqualToRebuild } from '../support/read-model-dump';

/**
 * Two projector processes (the distributed mode's `npm run projector`) against one log and one read store: one
 * holds the projector lease and projects, the other stands by. The active one is SIGKILLed mid-stream; the standby
 * takes the lease over (with the next fencing token), carries on from the committed checkpoint through items
 * appended after the kill, and the read models end equal to a from-scratch rebuild of the same log.
 */
const HASH_KEY = 'lease-test-key-0123456789';
const LEASE_TTL_MS = '1000';
const suite = projectorSuite('tessera-projector-lease-');

interface Variant {
  name: string;
  /** Items (x3 log events) appended before the kill, and after it: jongodb is slow past a few thousand documents. */
  items: [number, number];
  /** The read store the processes share (env for them, a target for this test to read it). */
  setup(dataDir: string): { env: Record<string, string>; target: ReadStoreTarget; rebuild: ReadStoreTarget };
}

const variants: Variant[] = [
  {
    name: 'SQLite (an OS lock beside the read models)',
    items: [500, 300],
    setup: (dataDir) => ({
      env: {},
      target: { kind: 'sqlite', file: join(dataDir, 'read-models.sqlite') },
      rebuild: { kind: 'sqlite', file: join(dataDir, '..', 'rebuild.sqlite') },
    }),
  },
  {
    name: 'MongoDB on jongodb (a lease document with expiry)',
    items: [300, 200],
    setup: () => {
      const db = `tessera_lease_${randomUUID().replace(/-/g, '')}`;
      const url = new URL(suite.jongodb.uri);
      url.pathname = `/${db}`;
      return {
        env: { MONGODB_URL: url.toString() },
        target: { kind: 'mongodb', url: suite.jongodb.uri, dbName: db },
        rebuild: { kind: 'mongodb', url: suite.jongodb.uri, dbName: `${db}_rebuild` },
      };
    },
  },
];

function workload(from: number, to: number) {
  const items = [];
  for (let i = from; i < to; i++) {
    items.push(record(i % 3 === 0 ? 'crm' : 'loyalty', i, ids(`CRMID:c${i % 120}`, `Email:p${i % 150}@x.com`), { n: i, tier: `t${i % 4}` }));
    items.push(link(i, ids(`Email:p${i % 150}@x.com`, `ECID:k${i % 53}`)));
    items.push(experience(i, ids(`ECID:k${i % 53}`), 'view', { i }));
  }
  return items;
}

function startProjector(id: string, dataDir: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [suite.child.script], {
    env: {
      ...suite.child.env,
      ...env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      IDENTITY_HASH_KEY: HASH_KEY,
      PROJECTOR_BATCH_SIZE: '20',
      PROJECTOR_ID: id,
      PROJECTOR_LEASE_TTL_MS: LEASE_TTL_MS,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Polls until `done` holds (the jest timeout is the only deadline: no timing is asserted). */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const exited = (p: ChildProcess) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(undefined) : p.once('close', r)));

describe.each(variants)('projector lease: $name', (variant) => {
  let processes: ChildProcess[] = [];
  afterEach(async () => {
    for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await Promise.all(processes.map(exited));
    processes = [];
  });

  it('the standby takes over when the active projector is SIGKILLed, and the read models equal a rebuild', async () => {
    const dataDir = join(suite.dir, `data-${randomUUID()}`);
    mkdirSync(dataDir);
    const { env, target, rebuild } = variant.setup(dataDir);
    const log = openSqliteEventStore(join(dataDir, 'events.sqlite'));
    const [before, after] = variant.items;
    await appendConcurrently(log, workload(0, before));
    const live: ReadStore = await openReadStore(target);

    processes = [startProjector('first', dataDir, env), startProjector('second', dataDir, env)];
    const byId = new Map([['first', processes[0]], ['second', processes[1]]]);
    // One of them takes the lease and commits; the other stands by.
    const held = await waitFor(() => live.readLease(MAIN_PROJECTOR), (l): l is LeaseState => l?.holder !== undefined);
    await waitFor(() => live.getCheckpoint(MAIN_PROJECTOR), (at) => at !== undefined);
    const active = held!.holder!;
    const standby = active === 'first' ? 'second' : 'first';
    expect(await live.readLease(MAIN_PROJECTOR)).toMatchObject({ holder: active, token: held!.token });

    byId.get(active)!.kill('SIGKILL');
    await exited(byId.get(active)!);
    const killedAt = (await live.getCheckpoint(MAIN_PROJECTOR))!;
    expect(comparePositions(killedAt, (await log.headPosition())!)).toBeLessThan(0);
    // Items keep arriving after the kill: the new holder projects them too.
    await appendConcurrently(log, workload(before, before + after));
    const head = (await log.headPosition())!;

    const taken = await waitFor(() => live.readLease(MAIN_PROJECTOR), (l) => l?.holder === standby);
    expect(taken!.token).toBeGreaterThan(held!.token);
    await waitFor(
      () => live.getCheckpoint(MAIN_PROJECTOR),
      (at) => at !== undefined && comparePositions(at, head) >= 0,
    );
    const survivor = byId.get(standby)!;
    survivor.kill('SIGTERM');
    await exited(survivor);
    // A clean stop gives the lease up: nobody holds it, the token stays.
    expect(await live.readLease(MAIN_PROJECTOR)).toEqual(expect.objectContaining({ token: taken!.token }));
    expect((await live.readLease(MAIN_PROJECTOR))?.holder).toBeUndefined();

    const fresh = await openReadStore(rebuild);
    await expectEqualToRebuild(log, live, fresh, HASH_KEY);
    await Promise.all([live.close(), fresh.close(), log.close()]);
  }, 240_000);
});
