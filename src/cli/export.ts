import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type TesseraConfig } from '../config';
import { createEventStore } from '../event-log';
import type { EventStore } from '../event-store/event-store.port';
import type { Position } from '../event-store';
import { toExportLine } from './export-format';
import { scanLog } from './rebuild-bounded-log';
import { progressBar, summary } from './rebuild-progress';
import { EXIT, processIo, type CliCommand, type CliIo } from './tessera-io';

const USAGE = 'tessera export [--out <file.ndjson>]';
const PAGE = 1000;

type Env = Record<string, string | undefined>;

/**
 * `tessera export`: the whole log as NDJSON, one event per line in log order (see export-format.ts), to a file or
 * to stdout. Works on whichever log the configuration names (DATA_DIR, or EVENTSTORE_URL).
 */
export async function runExport(argv: string[], io: CliIo = processIo, env: Env = process.env): Promise<number> {
  let out: string | undefined;
  try {
    out = parseArgs({ args: argv, options: { out: { type: 'string' } }, strict: true }).values.out;
  } catch (error) {
    io.err(`${(error as Error).message}\nusage: ${USAGE}\n`);
    return EXIT.usage;
  }
  return withConfiguredLog(env, io, async (log) => {
    const { count, head } = await scanLog(log);
    const sink = out === undefined ? undefined : createWriteStream(out, { encoding: 'utf8' });
    const progress = progressBar('export', count);
    const written = await exportLog(log, head, (line) => write(sink, io, line), progress.add);
    if (sink) await new Promise<void>((resolve, reject) => sink.end((error?: Error | null) => (error ? reject(error) : resolve())));
    io.err(summary(`exported${out ? ` to ${out}` : ''}`, written, progress.stop()));
    return EXIT.ok;
  });
}

export const exportCommand: CliCommand = {
  summary: 'write the event log as NDJSON (one event per line, log order)',
  usage: USAGE,
  run: (argv, io) => runExport(argv, io),
};

/** Streams every event up to `head` (the log's end when the export started) through `emit`. */
export async function exportLog(
  log: EventStore,
  head: Position | undefined,
  emit: (line: string) => Promise<void> | void,
  onPage: (events: number) => void,
): Promise<number> {
  if (head === undefined) return 0;
  let after: Position | undefined;
  let written = 0;
  for (;;) {
    const page = await log.readAll({ after, limit: PAGE });
    for (const recorded of page) {
      await emit(`${toExportLine(recorded)}\n`);
      written++;
      if (recorded.position === head) {
        onPage(page.indexOf(recorded) + 1);
        return written;
      }
    }
    onPage(page.length);
    if (page.length < PAGE) return written;
    after = page[page.length - 1].position;
  }
}

async function write(sink: WriteStream | undefined, io: CliIo, line: string): Promise<void> {
  if (!sink) return io.out(line);
  if (!sink.write(line)) await once(sink, 'drain');
}

/**
 * What every log command does around its work: read the configuration (a bad one is reported, exit 1), open the
 * configured event store, and close it whatever happens.
 */
export async function withConfiguredLog(
  env: Env,
  io: CliIo,
  work: (log: EventStore, config: TesseraConfig) => Promise<number>,
): Promise<number> {
  const config = await loadConfigOrReport(env, io);
  if (!config) return EXIT.failed;
  const log = createEventStore(config);
  try {
    return await work(log, config);
  } finally {
    await log.close();
  }
}

export async function loadConfigOrReport(env: Env, io: CliIo) {
  try {
    return await loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    return undefined;
  }
}
