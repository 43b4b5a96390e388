import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { DEFAULT_SETTINGS } from '../../../projections/model';
import { loadConfig } from '../../../src/config';
import { createEventStore } from '../../../src/event-log';
import { SQLITE_EVENT_LOG_FILE } from '../../../src/event-store/event-store.factory';
import { appendInTransaction, type AppendRequest } from '../../../src/event-store/sqlite/sqlite-append';
import { prepareStatements } from '../../../src/event-store/sqlite/sqlite-statements';
import { encode } from '../../../src/events';
import { prepareItem } from '../../../src/ingestion/prepare-item';
import { workload, type BatchItem } from '../gen/workload';

/** Items appended concurrently: the SQLite adapter's group commit and the key store's ensure batch them. */
const WINDOW = 4096;

/**
 * The bench workload appended straight into a data directory's log, through the service's own factory (the
 * crypto-shredding wrapper: sealed personal fields, subject keys) and the ingest path's own `prepareItem` (the same
 * streams, event ids and payloads POST /v1/ingest would append), without HTTP or a projector. Builds a large log
 * for the offline scenarios (rebuild, the 10M scaling point) several times faster than loading it through the
 * service. Appends until the log holds `until` events (a log that already holds them is left as it is).
 */
export async function appendWorkload(
  dataDir: string,
  until: number,
  seed: number,
  progress?: (stored: number, rate: number) => void,
  source?: Iterator<BatchItem>,
): Promise<{ events: number; seconds: number }> {
  const config = await loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const log = createEventStore(config);
  const started = performance.now();
  let stored = Number((await log.headPosition()) ?? 0);
  const already = stored;
  const ctx = { settings: DEFAULT_SETTINGS, hashKey: config.identityHashKey!, limits: config.limits, now: new Date(), newId: () => 'unused' };
  const items = source ?? workloadAfter(already, until, seed);
  let lastSaid = performance.now();
  while (stored < until) {
    const want = Math.min(WINDOW, until - stored);
    const window: BatchItem[] = [];
    while (window.length < want) {
      const next = items.next();
      if (next.done) break;
      window.push(next.value);
    }
    if (window.length === 0) throw new Error('the workload ran out of items');
    await Promise.all(
      window.map(({ kind, ...raw }) => {
        const prepared = prepareItem(kind, raw, ctx);
        return log.append(prepared.stream, [encode(prepared.event, prepared.eventId)], 'any');
      }),
    );
    stored += window.length;
    if (progress && performance.now() - lastSaid > 10_000) {
      lastSaid = performance.now();
      progress(stored, (stored - already) / ((lastSaid - started) / 1000));
    }
  }
  await log.close();
  return { events: stored, seconds: (performance.now() - started) / 1000 };
}

/** Appends per transaction of the plain bulk fill. */
const FILL_TRANSACTION = 10_000;

/**
 * The bulk of a very large log (the 10M scaling point), fast: the workload's items as the ingest path prepares
 * them, appended by the SQLite adapter's own appendInTransaction (same rows, streams, revisions and duplicate
 * checks) in transactions of 10,000 with synchronous=OFF, and **not sealed** (no personal-field encryption, no
 * subject keys): readers pass unsealed events through as they are. What it leaves out is the cost of sealing and
 * of a key store that holds every subject; appendWorkload (sealed) continues the same workload after it.
 */
export async function fillLogPlain(
  dataDir: string,
  until: number,
  items: Iterator<BatchItem>,
  progress?: (stored: number, rate: number) => void,
  cloneAbove = Infinity,
): Promise<{ events: number; seconds: number }> {
  const config = await loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  // The service's own store creates the file and its schema.
  await createEventStore(config).close();
  const db = new Database(join(dataDir, SQLITE_EVENT_LOG_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  // The fill's own connection: unique indexes of millions of random keys stay in memory while it inserts.
  db.pragma('cache_size = -1048576');
  const s = prepareStatements(db);
  const appendAll = db.transaction((requests: AppendRequest[], recordedAt: number) => {
    for (const request of requests) appendInTransaction(s, request, recordedAt);
  });
  const head = db.prepare('SELECT max(position) AS head FROM events').get() as { head: number | null };
  const already = head.head ?? 0;
  let stored = already;
  const ctx = { settings: DEFAULT_SETTINGS, hashKey: config.identityHashKey!, limits: config.limits, now: new Date(), newId: () => 'unused' };
  for (let skipped = 0; skipped < already; skipped++) items.next();
  const started = performance.now();
  let lastSaid = started;
  const generated = Math.min(until, cloneAbove);
  while (stored < generated) {
    const requests: AppendRequest[] = [];
    while (requests.length < Math.min(FILL_TRANSACTION, generated - stored)) {
      const next = items.next();
      if (next.done) throw new Error('the workload ran out of items');
      const { kind, ...raw } = next.value;
      const prepared = prepareItem(kind, raw, ctx);
      requests.push({ stream: prepared.stream, events: [encode(prepared.event, prepared.eventId)], expectedRevision: 'any' });
    }
    appendAll(requests, Date.now());
    stored += requests.length;
    if (progress && performance.now() - lastSaid > 30_000) {
      lastSaid = performance.now();
      progress(stored, (stored - already) / ((lastSaid - started) / 1000));
    }
    // Let timers run (progress, a parent's signals) between transactions.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (stored < until) stored = cloneRows(db, stored, Math.min(generated, stored), until, progress, started);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { events: stored, seconds: (performance.now() - started) / 1000 };
}

/** Rows copied per transaction when cloning. */
const CLONE_CHUNK = 50_000;

/**
 * Beyond `cloneAbove`, the log grows by copies of its first `base` rows made by SQLite itself (INSERT ... SELECT),
 * each copy under other event ids and stream names (suffix `~<copy>`), streams and revisions included: a log of
 * that many rows with the same indexes, in minutes instead of hours. The copies repeat the base's identities and
 * payloads, which only a fold of the bulk would notice (the scaling step folds a window appended after it).
 */
function cloneRows(db: Database.Database, stored: number, base: number, until: number, progress: ((stored: number, rate: number) => void) | undefined, started: number): number {
  const copy = db.prepare(
    `INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at)
     SELECT event_id || '~' || @copy, stream || '~' || @copy, revision, type, data, metadata, recorded_at
     FROM events WHERE position > @from AND position <= @to ORDER BY position`,
  );
  const streams = db.prepare(
    `INSERT INTO streams (stream, revision) SELECT stream || '~' || @copy, max(revision) FROM events
     WHERE position > @from AND position <= @to GROUP BY stream
     ON CONFLICT (stream) DO UPDATE SET revision = max(revision, excluded.revision)`,
  );
  const chunk = db.transaction((params: { copy: string; from: number; to: number }) => {
    copy.run(params);
    streams.run(params);
  });
  let lastSaid = performance.now();
  while (stored < until) {
    const copyNumber = Math.floor(stored / base);
    const from = stored % base;
    const to = Math.min(base, from + CLONE_CHUNK, from + (until - stored));
    chunk({ copy: String(copyNumber), from, to });
    stored += to - from;
    if (progress && performance.now() - lastSaid > 30_000) {
      lastSaid = performance.now();
      progress(stored, stored / ((lastSaid - started) / 1000));
    }
  }
  return stored;
}

/**
 * The workload for a log of `total` items (enough persons: about 22 items each), past its first `skip` items: the
 * generator is deterministic, so a resumed or continued fill appends the items that come next.
 */
export function workloadAfter(skip: number, total: number, seed: number): Iterator<BatchItem> {
  const items = workload({ persons: Math.ceil(total / 20), seed });
  for (let skipped = 0; skipped < skip; skipped++) items.next();
  return items;
}
