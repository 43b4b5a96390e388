import { join } from 'node:path';
import { Projector } from '../../src/projector';
import { profileIdOf } from '../../src/read-models';
import type { Checkpoint, ReadModelBatch, ReadStore } from '../../src/read-store';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import { appendConcurrently, experience, ids, link, record } from '../support/log-fixtures';
import { startTestApp, until, type TestApp } from './tessera-app';

/**
 * /v1/health shows a settings change's walk over the graphs while it runs (info.projector.rederivation: the rule
 * event's position, when it began, how far it got) and null once it is done. The service runs with
 * PROJECTOR=external and the projector beside it (here in the test process, on the same log and read-model file,
 * its chunks held back at will): every instance reads the walk from the read models, whoever runs it.
 */
let app: TestApp;
afterAll(() => app?.close());

/** The read store with a latch on the walk's chunks between batches: each waits for a permit (`let`), or `open`. */
function latchedChunks(store: ReadStore) {
  let permits = 0;
  let opened = false;
  const waiting: Array<() => void> = [];
  const wake = () => {
    while (waiting.length > 0 && (opened || permits > 0)) {
      if (!opened) permits--;
      waiting.shift()!();
    }
  };
  const wrapped = new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (property === 'commit') {
        return async (batch: ReadModelBatch, checkpoint: Checkpoint) => {
          if (checkpoint.step !== undefined) {
            await new Promise<void>((resolve) => {
              waiting.push(resolve);
              wake();
            });
          }
          return target.commit(batch, checkpoint);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    store: wrapped,
    let: (n: number) => ((permits += n), wake()),
    open: () => ((opened = true), wake()),
  };
}

function people(count: number) {
  const items = [];
  for (let i = 0; i < count; i++) {
    items.push(record('crm', i, ids(`CRMID:h${i}`, `Email:h${i}@x.com`), { n: i }));
    for (let c = 0; c < 5; c++) items.push(link(i * 10 + c, ids(`Email:h${i}@x.com`, `ECID:h${i}-c${c}`)));
    items.push(experience(i, ids(`ECID:h${i}-c0`), 'view', { i }));
  }
  return items;
}

const rederivationOf = async () => {
  const health = await app.call('GET', '/v1/health');
  expect(health.status).toBe(200);
  return health.body.info.projector.rederivation;
};

it('reports a running walk with its rule, start and progress, and null once it has finished', async () => {
  app = await startTestApp({ PROJECTOR: 'external' });
  const readModels = await openSqliteReadStore(join(app.config.dataDir, 'read-models.sqlite'));
  const gate = latchedChunks(readModels);
  const projector = new Projector(app.store, gate.store, { profileIdOf: (g) => profileIdOf(app.config.identityHashKey!, g), rederiveChunkItems: 40 });
  projector.start();
  try {
    await appendConcurrently(app.store, people(40));
    expect(await projector.whenProcessed((await app.store.headPosition())!, 60_000)).toBe(true);
    expect(await rederivationOf()).toBeNull();

    const current = (await app.getOk('/v1/identity/settings')) as { namespaces: unknown[] };
    const before = Date.now();
    const put = await app.call('PUT', '/v1/identity/settings', { body: { namespaces: current.namespaces, graphCap: 4 } });
    expect(put.status).toBe(200);
    // The first chunk lands with the settings event; the next one waits at the latch.
    expect(await projector.whenProcessed(put.body.position, 30_000)).toBe(true);
    const running = await rederivationOf();
    expect(running).toEqual({ rule: put.body.position, startedAt: expect.any(String), chunks: 1, identities: expect.any(Number), graphs: expect.any(Number) });
    expect(Date.parse(running.startedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(running.startedAt)).toBeLessThanOrEqual(Date.now());
    expect(running.identities).toBeGreaterThan(0);
    expect(running.graphs).toBeGreaterThan(0);
    expect(projector.rederivation).toMatchObject({ rule: put.body.position, chunks: 1 });

    // One chunk more: the progress moves.
    gate.let(1);
    const moved = await until(rederivationOf, (r) => r.chunks === 2, 30_000);
    expect(moved).toMatchObject({ rule: put.body.position, startedAt: running.startedAt, chunks: 2 });
    expect(moved.identities).toBeGreaterThan(running.identities);

    gate.open();
    expect(await projector.whenIdle(60_000)).toBe(true);
    expect(await rederivationOf()).toBeNull();
  } finally {
    gate.open();
    await projector.stop();
    await readModels.close();
  }
}, 120_000);
