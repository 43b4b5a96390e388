import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LogRow } from '../lib/log-rows';
import { PROJECT_ROOT } from '../lib/service';

/**
 * The peer: Emmett's SQLite event store (@event-driven-io/emmett-sqlite 0.38.5 over sqlite3 5.1.7), installed into
 * test/bench/peers on first use and never into the service's dependencies. Its default durability is WAL with
 * SQLite's default synchronous=FULL (as durable as the service's NORMAL with a WAL fsync before each acknowledgement). Its store opens and closes a connection around every
 * call and shares that connection between calls, so appends go one by one, as its own docs and tests do.
 */
const PEERS = join(PROJECT_ROOT, 'test', 'bench', 'peers');

interface EmmettStore {
  appendToStream(stream: string, events: { type: string; data: unknown }[]): Promise<unknown>;
}

type EmmettModule = { getSQLiteEventStore(options: { fileName: string }): EmmettStore };

export type EmmettResult = { rate: number; appends: number; retries: number; note: string } | { skipped: string };

function loadEmmett(): EmmettModule {
  return createRequire(join(PEERS, 'package.json'))('@event-driven-io/emmett-sqlite') as EmmettModule;
}

function installPeers(): string | undefined {
  process.stderr.write('installing the benchmark peers into test/bench/peers (first run only)...\n');
  const result = spawnSync('npm', ['install', '--prefix', PEERS, '--no-audit', '--no-fund'], { encoding: 'utf8', timeout: 300_000 });
  return result.status === 0 ? undefined : (result.stderr || String(result.error)).trim().split('\n').slice(-3).join(' ');
}

export function emmettAvailable(): { module?: EmmettModule; problem?: string } {
  try {
    return { module: loadEmmett() };
  } catch {
    const problem = installPeers();
    if (problem) return { problem: `npm install failed: ${problem}` };
    try {
      return { module: loadEmmett() };
    } catch (error) {
      return { problem: `Emmett did not load: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}

/**
 * Appends `rows` one event per call, each awaited, into a fresh file; bounded by the row count and `maxSeconds`.
 * Emmett 0.38.5 over sqlite3 sometimes fails a COMMIT with SQLITE_BUSY "SQL statements in progress" (its
 * `INSERT ... RETURNING` statement is finalised asynchronously); it rolls back, so the append is retried and the
 * retries are reported. Its transaction helper console.logs every such error: muted while it runs.
 */
export async function emmettAppendRate(dir: string, rows: readonly LogRow[], maxSeconds: number): Promise<EmmettResult> {
  const { module, problem } = emmettAvailable();
  if (!module) return { skipped: problem ?? 'Emmett unavailable' };
  const store = module.getSQLiteEventStore({ fileName: join(dir, 'emmett.sqlite') });
  const log = console.log;
  console.log = () => undefined;
  try {
    let retries = await appendWithRetry(store, 'warmup-0', { type: 'Warmup', data: {} });
    const deadline = performance.now() + maxSeconds * 1000;
    const started = performance.now();
    let appends = 0;
    for (const row of rows) {
      if (performance.now() > deadline) break;
      retries += await appendWithRetry(store, row.stream, { type: row.type, data: JSON.parse(row.data) });
      appends++;
    }
    const seconds = (performance.now() - started) / 1000;
    return { rate: appends / seconds, appends, retries, note: 'one append per call, sequential' };
  } finally {
    console.log = log;
  }
}

async function appendWithRetry(store: EmmettStore, stream: string, event: { type: string; data: unknown }): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await store.appendToStream(stream, [event]);
      return attempt;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}
