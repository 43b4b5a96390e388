import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';
import { isMainThread, threadId } from 'node:worker_threads';

/**
 * Where a thread stood still, for finding a latency tail (issue 15): preloaded with `-r` into the service
 * (BENCH_SERVICE_FLAGS="--max-old-space-size=640 -r <dist-bench>/test/bench/lib/stall-trace.js") and into the bench
 * runner, with STALL_TRACE_DIR=<dir>. Worker threads inherit `-r`, so the delivery worker traces itself too. The load
 * clients (lib/load-client.ts) and bare servers are spawned without the runner's flags: to trace them as well, preload
 * through NODE_OPTIONS="-r <dist-bench>/test/bench/lib/stall-trace.js", which every process inherits; a file's `start`
 * line names its process. A paced window's p99 is the client's latency: a stall of the client's own loop (a GC, or
 * the scheduler on a shared machine) lands in it as surely as one of the service's. Each
 * thread appends NDJSON lines to <dir>/<pid>-<thread>.ndjson, every time in wall-clock ms (timeOrigin + now), so
 * the traces of several processes line up with the bench's per-change timeline (BENCH_TRACE):
 * - `loop`: the event loop came back that much later than a 5 ms interval asked (over STALL_TRACE_MIN_MS, 10);
 * - `gc`: a pause of the garbage collector over 2 ms, by kind (scavenge, mark-compact, ...);
 * - `sql`: a better-sqlite3 statement (or `exec`, as the read store's commit group runs its COMMIT) slower than
 *   STALL_TRACE_SQL_MS (5): a COMMIT that ran a WAL checkpoint or an fsync shows here, with its file and SQL;
 * - `sum`: every second, the thread's busy time in SQLite per file and statement kind, and its GC time.
 * A diagnostic for the bench, never loaded by the service itself.
 */
const dir = process.env.STALL_TRACE_DIR;
const LOOP_MS = 5;
const minLoop = Number(process.env.STALL_TRACE_MIN_MS ?? 10);
const minSql = Number(process.env.STALL_TRACE_SQL_MS ?? 5);
const role = isMainThread ? 'main' : `worker${threadId}`;
const wall = (t = performance.now()) => performance.timeOrigin + t;

if (dir) start(join(dir, `${process.pid}-${role}.ndjson`));

function start(file: string): void {
  let lines: string[] = [];
  const emit = (entry: Record<string, unknown>) => lines.push(JSON.stringify({ pid: process.pid, thread: role, ...entry }));
  const flush = () => {
    if (lines.length === 0) return;
    appendFileSync(file, `${lines.join('\n')}\n`);
    lines = [];
  };
  emit({ kind: 'start', t: wall(), argv: process.argv.slice(1).join(' ').slice(0, 200) });

  let expected = performance.now() + LOOP_MS;
  const loop = setInterval(() => {
    const now = performance.now();
    const late = now - expected;
    if (late > minLoop) emit({ kind: 'loop', t: wall(expected), ms: round(late) });
    expected = now + LOOP_MS;
  }, LOOP_MS);
  loop.unref();

  const sums = new Map<string, number>();
  const add = (key: string, ms: number) => sums.set(key, (sums.get(key) ?? 0) + ms);
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = gcKind((entry as unknown as { detail?: { kind?: number } }).detail?.kind);
      add(`gc ${kind}`, entry.duration);
      if (entry.duration > 2) emit({ kind: 'gc', t: wall(entry.startTime), ms: round(entry.duration), gc: kind });
    }
  });
  gc.observe({ entryTypes: ['gc'] });

  traceSqlite(emit, add);
  const second = setInterval(() => {
    if (sums.size > 0) emit({ kind: 'sum', t: wall(), ms: Object.fromEntries([...sums].map(([k, v]) => [k, round(v)])) });
    sums.clear();
    flush();
  }, 1_000);
  second.unref();
  process.on('exit', flush);
}

/** Wraps the statement methods of better-sqlite3 (the prototype every prepared statement shares), if it is there. */
function traceSqlite(emit: (entry: Record<string, unknown>) => void, add: (key: string, ms: number) => void): void {
  let Database: new (file: string) => { prepare(sql: string): object; exec(sql: string): unknown; close(): void };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Database = require('better-sqlite3');
  } catch {
    return;
  }
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  // The per-second key of a statement, made once (the wrapper runs for every statement of the service).
  const keys = new WeakMap<object, string>();
  const keyOf = (statement: { source: string; database: { name: string } }) => {
    let key = keys.get(statement);
    if (key === undefined) keys.set(statement, (key = `sql ${statement.database.name.split('/').at(-1)} ${verb(statement.source)}`));
    return key;
  };
  // exec: the read store's commit group runs its BEGIN and COMMIT so (sqlite-commit-group.ts), and a COMMIT that
  // takes the WAL past its auto-checkpoint runs that checkpoint inside it, on the loop.
  const dbProto = Object.getPrototypeOf(probe) as Record<string, unknown>;
  probe.close();
  const exec = dbProto.exec as (sql: string) => unknown;
  dbProto.exec = function (this: { name: string }, sql: string) {
    const t = performance.now();
    try {
      return exec.call(this, sql);
    } finally {
      const ms = performance.now() - t;
      add(`sql ${this.name.split('/').at(-1)} exec ${verb(sql)}`, ms);
      if (ms > minSql) emit({ kind: 'sql', t: wall(t), ms: round(ms), db: this.name.split('/').at(-1), sql: `exec ${sql.replace(/\s+/g, ' ').slice(0, 75)}` });
    }
  };
  for (const method of ['run', 'get', 'all']) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    proto[method] = function (this: { source: string; database: { name: string } }, ...args: unknown[]) {
      const t = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - t;
        add(keyOf(this), ms);
        if (ms > minSql) emit({ kind: 'sql', t: wall(t), ms: round(ms), db: this.database.name.split('/').at(-1), sql: this.source.replace(/\s+/g, ' ').slice(0, 80) });
      }
    };
  }
}

function verb(sql: string): string {
  return /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '?';
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

function gcKind(kind: number | undefined): string {
  return GC_KINDS[kind ?? 0] ?? String(kind);
}

const round = (ms: number) => Math.round(ms * 100) / 100;
