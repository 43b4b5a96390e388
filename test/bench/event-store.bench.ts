import '../support/project-node-modules';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventToAppend } from '../../src/event-store';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import { prepareDatabase } from '../../src/event-store/sqlite/sqlite-schema';

/**
 * Appends per second through the SQLite adapter (single-event appends, 64 in flight, group commit, WAL fsync before the acknowledgement)
 * beside raw better-sqlite3 inserts of the same rows, 64 per transaction (one fsync per 64 rows: the most group
 * commit can hope for), in the same run on the same disk. The ratio is what the adapter's bookkeeping costs
 * (idempotency lookup, revision check, savepoint, stream revision, promises). Sequential appends show what group
 * commit saves. Sizes: BENCH_EVENTS (default 20000), BENCH_ROUNDS (3), BENCH_DIR (default the OS temp dir).
 */
const TOTAL = Number(process.env.BENCH_EVENTS ?? 20_000);
const IN_FLIGHT = 64;
const STREAMS = 1000;
const SEQUENTIAL = Math.min(TOTAL, 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Row {
  stream: string;
  event: EventToAppend;
}

function makeRows(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    stream: `bench-${i % STREAMS}`,
    event: {
      eventId: randomUUID(),
      type: 'RecordIngested',
      data: { itemId: `r-${i}`, source: 'crm', timestamp: new Date(0).toISOString(), attributes: { n: i, tier: 'gold' } },
      metadata: { schemaVersion: 1 },
    },
  }));
}

async function adapterRate(file: string, rows: Row[], inFlight: number) {
  const store = openSqliteEventStore(file);
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      await store.append(row.stream, [row.event]);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - started) / 1000;
  const stats = store.stats();
  await store.close();
  return { rate: rows.length / seconds, transactions: stats.transactions };
}

function rawRate(file: string, rows: Row[], batch: number) {
  const db = new Database(file);
  prepareDatabase(db, 5000);
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const revisions = new Map<string, number>();
  const write = db.transaction((slice: Row[]) => {
    const now = Date.now();
    for (const { stream, event } of slice) {
      const revision = (revisions.get(stream) ?? -1) + 1;
      revisions.set(stream, revision);
      insert.run(event.eventId, stream, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), now);
    }
  });
  const started = performance.now();
  for (let i = 0; i < rows.length; i += batch) write(rows.slice(i, i + batch));
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { rate: rows.length / seconds };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Adapter and raw runs alternate, each on a fresh file, so a noisy disk hits both alike; medians are reported. */
async function rounds(dir: string) {
  const adapter: number[] = [];
  const raw: number[] = [];
  let transactions = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const rows = makeRows(TOTAL);
    const a = await adapterRate(join(dir, `adapter-${round}.db`), rows, IN_FLIGHT);
    adapter.push(a.rate);
    transactions = a.transactions;
    raw.push(rawRate(join(dir, `raw-${round}.db`), rows, IN_FLIGHT).rate);
  }
  return { adapter: median(adapter), raw: median(raw), transactions };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tessera-es-bench-'));
  try {
    const { adapter, raw, transactions } = await rounds(dir);
    const sequential = await adapterRate(join(dir, 'sequential.db'), makeRows(SEQUENTIAL), 1);
    console.log(`event store append bench: ${TOTAL} single-event appends, ${STREAMS} streams, WAL, fsync before each ack,`);
    console.log(`median of ${ROUNDS} alternating rounds`);
    console.log(`  adapter, ${IN_FLIGHT} in flight (group commit): ${fmt(adapter)} appends/s  (${transactions} transactions)`);
    console.log(`  raw better-sqlite3, ${IN_FLIGHT} rows/transaction: ${fmt(raw)} rows/s     (${Math.ceil(TOTAL / IN_FLIGHT)} transactions)`);
    console.log(`  adapter / raw:                          ${(adapter / raw).toFixed(2)}`);
    console.log(`  adapter, 1 in flight (${SEQUENTIAL} appends):     ${fmt(sequential.rate)} appends/s  (${sequential.transactions} transactions)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
