import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { runExport } from '../../src/cli/export';
import { runImport } from '../../src/cli/import';
import { runRebuild } from '../../src/cli/rebuild';
import { diffDumps } from '../../src/cli/rebuild-diff';
import { dumpReadModels } from '../../src/cli/rebuild-dump';
import type { CliIo } from '../../src/cli/tessera-io';
import { loadConfig } from '../../src/config';
import { createEventStore } from '../../src/event-log';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import type { EventStore } from '../../src/event-store/event-store.port';
import { encode, type DomainEvent } from '../../src/events';
import { LINK_REJECTIONS_STREAM, profileIdOf } from '../../src/read-models';
import { MAIN_PROJECTOR, Projector } from '../../src/projector';
import { liveModelVersion, listModelVersions, openReadStore, type ReadStoreTarget } from '../../src/read-store';
import { mulberry32 } from '../../projections/identity-graph/random-log.fixture';
import { appendConcurrently, experience, ids, link, record } from '../support/log-fixtures';
import { startJongodb } from '../support/jongodb';
import { readLog, startTestApp } from './tessera-app';

const ITEMS = 20_000;

function bufferIo(): CliIo & { text: () => string } {
  const chunks: string[] = [];
  return { out: (t) => void chunks.push(t), err: (t) => void chunks.push(t), text: () => chunks.join('') };
}

/** A seeded mix of records, events and links over overlapping identity pools (unique CRMIDs meet, graphs split). */
function workload(seed: number, count: number): DomainEvent[] {
  const rnd = mulberry32(seed);
  const pick = (ns: string, pool: number) => `${ns}:${ns.toLowerCase()}-${Math.floor(rnd() * pool)}`;
  const identities = () => {
    const keys = [pick('ECID', 6000)];
    if (rnd() < 0.5) keys.push(pick('Email', 3000));
    if (rnd() < 0.25) keys.push(pick('CRMID', 2000));
    if (rnd() < 0.1) keys.push(pick('Phone', 500));
    return ids(...new Set(keys));
  };
  const out: DomainEvent[] = [];
  for (let i = 0; i < count; i++) {
    const t = Date.UTC(2026, 0, 1) + Math.floor(rnd() * 86_400_000 * 30);
    const roll = rnd();
    if (roll < 0.4) out.push(record(rnd() < 0.5 ? 'crm' : 'web', t, identities(), { tier: Math.floor(rnd() * 5), city: `c${Math.floor(rnd() * 50)}` }));
    else if (roll < 0.8) out.push(experience(t, identities(), rnd() < 0.5 ? 'pageView' : 'purchase'));
    else out.push(link(t, identities()));
  }
  return out;
}

/** The live service's projector, folding the log in small batches while the workload is appended. */
async function liveProjection(dir: string, feed: (log: EventStore) => Promise<void>): Promise<void> {
  const config = await loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const log = openSqliteEventStore(join(dir, 'events.sqlite'));
  const store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read-models.sqlite') });
  const projector = new Projector(log, store, { name: MAIN_PROJECTOR, batchSize: 50, profileIdOf: (g) => profileIdOf(config.identityHashKey!, g) });
  projector.start();
  try {
    await feed(log);
    expect(await projector.whenIdle(120_000)).toBe(true);
  } finally {
    await projector.stop();
    await store.close();
    await log.close();
  }
}

async function rejectPair(log: EventStore, from: string, to: string): Promise<void> {
  const [a, b] = ids(from, to);
  const event: DomainEvent = { type: 'LinkRejected', data: { rejectionId: randomUUID(), from: a, to: b, reason: 'wrong' } };
  const revision = (await log.readStream(LINK_REJECTIONS_STREAM)).length;
  await log.append(LINK_REJECTIONS_STREAM, [encode(event, randomUUID())], revision === 0 ? 'no_stream' : revision - 1);
}

async function dumpOf(dir: string) {
  const store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read-models.sqlite') });
  try {
    return await dumpReadModels(store);
  } finally {
    await store.close();
  }
}

describe('tessera rebuild / export / import', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  let dir: string;
  const env = () => ({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const events = workload(42, ITEMS);

  beforeAll(async () => {
    dir = fresh();
    await liveProjection(dir, async (log) => {
      await appendConcurrently(log, [link(Date.UTC(2026, 0, 1), ids('Email:ann@x.com', 'ECID:tablet')), ...events.slice(0, ITEMS / 2)]);
      await rejectPair(log, 'Email:ann@x.com', 'ECID:tablet');
      await appendConcurrently(log, [...events.slice(ITEMS / 2), link(Date.UTC(2026, 1, 1), ids('Email:ann@x.com', 'ECID:tablet', 'Email:ben@x.com'))]);
    });
  }, 300_000);

  it('verify finds no difference between the live models and a rebuild after a random workload', async () => {
    const io = bufferIo();
    expect(await runRebuild(['--verify'], io, env())).toBe(0);
    expect(io.text()).toMatch(/equal a rebuild from the log/);
  }, 300_000);

  it('verify reports a tampered profile document, and a rebuild with swap repairs it', async () => {
    const db = new Database(join(dir, 'read-models.sqlite'));
    const { graph_id: graphId } = db.prepare('SELECT graph_id FROM v1_profiles ORDER BY graph_id LIMIT 1').get() as { graph_id: string };
    db.prepare("UPDATE v1_profiles SET doc = json_set(doc, '$.attributes.tier', 'tampered') WHERE graph_id = ?").run(graphId);
    db.close();
    const io = bufferIo();
    expect(await runRebuild(['--verify'], io, env())).toBe(1);
    expect(io.text()).toContain(`profile ${graphId}: doc.attributes.tier: live "tampered"`);
    expect(io.text()).toMatch(/^1 difference\(s\)/m);

    const swap = bufferIo();
    expect(await runRebuild(['--batch-size', '777'], swap, env())).toBe(0);
    expect(swap.text()).toMatch(/read models v2 are live/);
    expect(await liveModelVersion({ kind: 'sqlite', file: join(dir, 'read-models.sqlite') })).toBe('v2');
    expect(await runRebuild(['--verify'], bufferIo(), env())).toBe(0);
  }, 300_000);

  it('a rejected link stays rejected after rebuild, served by the restarted service', async () => {
    const app = await startTestApp({ DATA_DIR: dir });
    try {
      const graph = await app.call('GET', '/v1/profiles/Email/ann%40x.com/graph');
      expect(graph.status).toBe(200);
      const rejected = graph.body.removedLinks.filter((l: { reason: string }) => l.reason === 'LINK_REJECTED');
      const rejection = (await readLog(app.store)).find((e) => e.event.type === 'LinkRejected')!;
      expect(rejected).toEqual([expect.objectContaining({ from: ids('ECID:tablet')[0], to: ids('Email:ann@x.com')[0], removedBy: rejection.eventId })]);
      expect(graph.body.links).not.toContainEqual(expect.objectContaining({ from: ids('ECID:tablet')[0], to: ids('Email:ann@x.com')[0] }));
    } finally {
      await app.close();
    }
  }, 120_000);

  it('export, import into a fresh dir and rebuild give the same read models', async () => {
    const file = join(fresh(), 'log.ndjson');
    expect(await runExport(['--out', file], bufferIo(), env())).toBe(0);
    const target = fresh();
    copyFileSync(join(dir, 'identity-hash.key'), join(target, 'identity-hash.key'));
    const io = bufferIo();
    expect(await runImport([file], io, { DATA_DIR: target, LOG_LEVEL: 'silent' })).toBe(0);
    expect(await runImport([file], io, { DATA_DIR: target, LOG_LEVEL: 'silent' })).toBe(1);
    expect(io.text()).toMatch(/not empty/);
    expect(await runImport([file, '--force'], bufferIo(), { DATA_DIR: target, LOG_LEVEL: 'silent' })).toBe(0);

    // Read as the service reads: the import sealed personal fields with the target's own subject keys.
    const source = createEventStore(await loadConfig(env()));
    const copy = createEventStore(await loadConfig({ DATA_DIR: target, LOG_LEVEL: 'silent' }));
    const [a, b] = [await readLog(source), await readLog(copy)];
    await Promise.all([source.close(), copy.close()]);
    const shape = (e: (typeof a)[number]) => [e.position, e.eventId, e.stream, e.revision, e.event];
    expect(b.length).toBe(a.length);
    const first = a.findIndex((e, i) => !isDeepStrictEqual(shape(e), shape(b[i])));
    expect(first < 0 ? 'same' : [shape(a[first]), shape(b[first])]).toBe('same');

    expect(await runRebuild([], bufferIo(), { DATA_DIR: target, LOG_LEVEL: 'silent' })).toBe(0);
    // The copy's log times are its own, so only the rejection's time (removedAt of the rejected link) may differ.
    const differences = diffDumps(await dumpOf(dir), await dumpOf(target));
    expect(differences.every((d) => /\.removedAt: /.test(d))).toBe(true);
    expect(differences.length).toBeLessThanOrEqual(2);
  }, 300_000);

  it('rebuild --until a position writes a snapshot of the past into its own data dir', async () => {
    const source = openSqliteEventStore(join(dir, 'events.sqlite'));
    const log = await readLog(source);
    await source.close();
    const cut = log[Math.floor(log.length / 4)];
    const out = join(fresh(), 'snapshot');
    expect(await runRebuild(['--until', cut.position, '--out', out], bufferIo(), env())).toBe(0);
    const copy = openSqliteEventStore(join(out, 'events.sqlite'));
    const copied = await readLog(copy);
    await copy.close();
    expect(copied.map((e) => e.eventId)).toEqual(log.slice(0, log.indexOf(cut) + 1).map((e) => e.eventId));
    expect(await runRebuild(['--verify'], bufferIo(), { DATA_DIR: out, LOG_LEVEL: 'silent' })).toBe(0);
    expect((await dumpOf(out)).length).toBeGreaterThan(0);
    expect(await runRebuild(['--until', cut.position, '--out', out], bufferIo(), env())).toBe(1);
  }, 300_000);

  it('rebuild --until a time keeps only what was recorded up to it; bad arguments are usage errors', async () => {
    const source = openSqliteEventStore(join(dir, 'events.sqlite'));
    const log = await readLog(source);
    await source.close();
    const first = log[0].recordedAt.getTime();
    const out = join(fresh(), 'at-start');
    expect(await runRebuild(['--until', new Date(first).toISOString(), '--out', out], bufferIo(), env())).toBe(0);
    const copy = openSqliteEventStore(join(out, 'events.sqlite'));
    const copied = await readLog(copy);
    await copy.close();
    expect(copied.map((e) => e.eventId)).toEqual(log.filter((e) => e.recordedAt.getTime() <= first).map((e) => e.eventId));

    for (const argv of [['--until', 'yesterday', '--out', out], ['--until', '5'], ['--out', out], ['--verify', '--until', '5', '--out', out], ['--nope'], ['--batch-size', '0'], ['--batch-size', '2x']]) {
      expect(await runRebuild(argv, bufferIo(), env())).toBe(2);
    }
  }, 120_000);
});

describe('tessera rebuild with MONGODB_URL (jongodb, small data)', () => {
  it('verifies, swaps through the meta collection, and the next open reads the new version', async () => {
    const mongo = await startJongodb();
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-mongo-'));
    const env = { DATA_DIR: dir, MONGODB_URL: mongo.uri, IDENTITY_HASH_KEY: 'a-test-key-of-enough-length', LOG_LEVEL: 'silent' };
    const target: ReadStoreTarget = { kind: 'mongodb', url: mongo.uri };
    try {
      const config = await loadConfig(env);
      const log = openSqliteEventStore(join(dir, 'events.sqlite'));
      const live = await openReadStore(target);
      const projector = new Projector(log, live, { batchSize: 10, profileIdOf: (g) => profileIdOf(config.identityHashKey!, g) });
      projector.start();
      await appendConcurrently(log, workload(7, 150));
      expect(await projector.whenIdle(60_000)).toBe(true);
      await projector.stop();
      await live.close();
      await log.close();

      const io = bufferIo();
      expect(await runRebuild(['--verify'], io, env)).toBe(0);
      expect(await runRebuild([], io, env)).toBe(0);
      expect(await liveModelVersion(target)).toBe('v2');
      expect(await listModelVersions(target)).toEqual(['v1', 'v2']);
      const reopened = await openReadStore(target);
      const rebuilt = await dumpReadModels(reopened);
      await reopened.close();
      expect(rebuilt.length).toBeGreaterThan(0);
      expect(await runRebuild(['--verify'], io, env)).toBe(0);
    } finally {
      await mongo.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
