/**
 * What the projector's read-model writes cost per event, without audiences or computed attributes (issue 17):
 *   npx tsc -p tsconfig.bench.json && node dist-bench/test/bench/read-model-writes.bench.js [--items N] [--batch B] [--rounds R]
 * The bench workload (gen/workload.ts) appended to a SQLite log, then folded by an in-process Projector in batches
 * of B (500: a catch-up or batch ingest; 1-8: single-event ingest), R rounds, each on fresh stores:
 * - `wal`: the read store opened without its checkpoint thread and with auto-checkpoint off, so the WAL keeps every
 *   frame the fold wrote: bytes per event, and per table or index (each frame's page mapped through `dbstat`);
 * - `live`: the read store as the service opens it (checkpoint thread): the fold's CPU per event (process.cpuUsage,
 *   every thread), and the time spent in its commits (sum, longest), which stall the event loop.
 */
import 'reflect-metadata';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import { Projector } from '../../src/projector';
import { openSqliteReadStore, SqliteReadStore } from '../../src/read-store/sqlite';
import type { ReadStore } from '../../src/read-store/read-store.port';
import { appendConcurrently } from '../support/log-fixtures';
import { takeItems } from './gen/workload';
import { domainEvents } from './lib/domain-events';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '2' },
    modes: { type: 'string', default: 'wal,live' },
    /** A log file to reuse (copied into each fold's directory; written first when missing), so that a trace of the
     *  process (strace -c) holds the fold's writes and not the appends. */
    log: { type: 'string' },
  },
});

const say = (text: string) => process.stderr.write(`[rmw +${process.uptime().toFixed(1)}s] ${text}\n`);

/** Frames of the WAL by the b-tree their page belongs to (pages no b-tree holds now: freelist or gone). */
function walFrames(file: string): { frames: number; bytes: number; byTree: Record<string, number> } {
  const wal = `${file}-wal`;
  const bytes = statSync(wal).size;
  const db = new Database(file, { readonly: true });
  const owner = new Map<number, string>();
  for (const row of db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]) {
    owner.set(row.pageno, row.name.replace(/^v1_/, ''));
  }
  db.close();
  const fd = openSync(wal, 'r');
  const header = Buffer.alloc(32);
  readSync(fd, header, 0, 32, 0);
  const pageSize = header.readUInt32BE(8);
  const frame = Buffer.alloc(24);
  const byTree: Record<string, number> = {};
  let frames = 0;
  for (let at = 32; at + 24 + pageSize <= bytes; at += 24 + pageSize) {
    readSync(fd, frame, 0, 24, at);
    const page = frame.readUInt32BE(0);
    const tree = page === 1 ? 'header' : (owner.get(page) ?? 'other');
    byTree[tree] = (byTree[tree] ?? 0) + 1;
    frames++;
  }
  closeSync(fd);
  return { frames, bytes, byTree };
}

async function fold(events: Parameters<typeof appendConcurrently>[1], batchSize: number, mode: 'wal' | 'live') {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rmw-'));
  const logFile = join(dir, 'events.sqlite');
  const reused = values.log !== undefined && existsSync(values.log);
  if (reused) copyFileSync(values.log!, logFile);
  const log = openSqliteEventStore(logFile);
  const file = join(dir, 'read-models.sqlite');
  let store: ReadStore;
  if (mode === 'wal') {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('secure_delete = ON');
    store = new SqliteReadStore(db, 'v1_');
  } else store = await openSqliteReadStore(file);
  if (!reused) await appendConcurrently(log, events);
  let commits = 0;
  let commitMs = 0;
  let longest = 0;
  const commit = store.commit.bind(store);
  store.commit = async (writes, checkpoint) => {
    const started = performance.now();
    await commit(writes, checkpoint);
    const ms = performance.now() - started;
    commits++;
    commitMs += ms;
    longest = Math.max(longest, ms);
  };
  const projector = new Projector(log, store, { profileIdOf: (g) => `p-${g}`, batchSize });
  const started = performance.now();
  const cpu = process.cpuUsage();
  projector.start();
  if (!(await projector.whenIdle(3_600_000))) throw new Error('the fold did not finish');
  const used = process.cpuUsage(cpu);
  const wallMs = performance.now() - started;
  await projector.stop();
  const wal = mode === 'wal' ? walFrames(file) : undefined;
  await store.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  const n = events.length;
  return {
    mode,
    cpuUsPerEvent: Math.round((used.user + used.system) / n),
    wallUsPerEvent: Math.round((wallMs * 1000) / n),
    commits,
    commitMs: Math.round(commitMs),
    longestCommitMs: Number(longest.toFixed(1)),
    ...(wal
      ? {
          walBytesPerEvent: Math.round(wal.bytes / n),
          framesPerEvent: Number((wal.frames / n).toFixed(3)),
          framesPerCommit: Number((wal.frames / commits).toFixed(1)),
          byTree: Object.fromEntries(Object.entries(wal.byTree).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Number((v / n).toFixed(3))])),
        }
      : {}),
  };
}

async function main(): Promise<void> {
  // The stores' own timers and the checkpoint thread are unref'd: this keeps the process up between awaits.
  const alive = setInterval(() => undefined, 1_000);
  const count = Number(values.items);
  const events = domainEvents(takeItems(count, { persons: Math.ceil(count / 20), seed: 7 }));
  const modes = values.modes!.split(',') as ('wal' | 'live')[];
  if (values.log !== undefined && !existsSync(values.log)) {
    const log = openSqliteEventStore(values.log);
    await appendConcurrently(log, events);
    await log.close();
  }
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const mode of modes) {
      say(`round ${round + 1}, ${mode}, ${events.length} events in batches of ${values.batch}`);
      const result = await fold(events, Number(values.batch), mode);
      process.stdout.write(`${JSON.stringify({ round: round + 1, load: loadavg().map((l) => Number(l.toFixed(2))), ...result })}\n`);
    }
  }
  clearInterval(alive);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
