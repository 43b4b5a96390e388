import { access, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createEventStore } from '../event-log';
import type { EventStore } from '../event-store/event-store.port';
import { readStoreTarget } from '../read-store/read-store.module';
import { loadConfigOrReport } from './export';
import type { ExportedEvent } from './export-format';
import { appendInOrder } from './import-append';
import { scanLog, type LogBound } from './rebuild-bounded-log';
import { progressBar, summary } from './rebuild-progress';
import { buildModels } from './rebuild-runner';
import { EXIT, type CliIo } from './tessera-io';

type Env = Record<string, string | undefined>;
const PAGE = 1000;

/**
 * `tessera rebuild --until T --out DIR`: the service as it stood at T, as an embedded data dir of its own: the log
 * up to T is copied into DIR (same event ids, streams and order; the identity hash key too, so profile ids match),
 * then folded into fresh read models there. `DATA_DIR=DIR npm start` serves it. The source may be embedded or
 * distributed; the snapshot is always embedded. Log times in the copy are the copy's (the store stamps them).
 */
export async function snapshotUntil(bound: LogBound, out: string, io: CliIo, env: Env, batchSize?: number): Promise<number> {
  const source = await loadConfigOrReport(env, io);
  if (!source) return EXIT.failed;
  if (await nonEmptyDir(out)) {
    io.err(`${out} is not empty: a snapshot goes into a new or empty directory\n`);
    return EXIT.failed;
  }
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'identity-hash.key'), `${source.identityHashKey!}\n`, { mode: 0o600 });
  const config = await loadConfigOrReport({ DATA_DIR: out, LOG_LEVEL: 'silent' }, io);
  if (!config) return EXIT.failed;
  const from = createEventStore(source);
  const into = createEventStore(config);
  try {
    const extent = await scanLog(from, bound);
    const progress = progressBar('copy', extent.count);
    await appendInOrder(into, prefix(from, extent.count), { exactRevisions: false, onAppended: progress.add });
    io.err(summary(`copied the log up to ${extent.head ?? 'its start'} into ${out}`, extent.count, progress.stop()));
    await buildModels({ log: into, target: readStoreTarget(config), modelVersion: 'v1', total: extent.count, config, io, batchSize });
    io.out(`snapshot of ${extent.count} events (up to source position ${extent.head ?? 'none'}) in ${out}\n`);
    return EXIT.ok;
  } finally {
    await into.close();
    await from.close();
  }
}

/** The first `count` events of the log, in order, as export lines (revision checks off: streams are cut). */
async function* prefix(log: EventStore, count: number): AsyncGenerator<ExportedEvent> {
  let after: string | undefined;
  let left = count;
  while (left > 0) {
    const page = await log.readAll({ after, limit: Math.min(PAGE, left) });
    if (page.length === 0) return;
    for (const r of page) {
      yield { ...r, recordedAt: r.recordedAt.toISOString() };
    }
    left -= page.length;
    after = page[page.length - 1].position;
  }
}

async function nonEmptyDir(dir: string): Promise<boolean> {
  try {
    await access(dir);
  } catch {
    return false;
  }
  return (await readdir(dir)).length > 0;
}
