import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { comparePositions } from '../event-store';
import { parseExportLine, type ExportedEvent } from './export-format';
import { withConfiguredLog } from './export';
import { appendInOrder } from './import-append';
import { progressBar, summary } from './rebuild-progress';
import { EXIT, processIo, type CliCommand, type CliIo } from './tessera-io';

const USAGE = 'tessera import <file.ndjson> [--force]';

type Env = Record<string, string | undefined>;

/**
 * `tessera import`: appends an export's events, in order and with their ids, into the configured log. The file is
 * checked whole before anything is appended. An empty store is required unless --force (then any revision is
 * accepted and events already present are acknowledged as duplicates). Log times are the target's: the store
 * stamps recordedAt itself, so `asOf` on the imported log answers in import time.
 */
export async function runImport(argv: string[], io: CliIo = processIo, env: Env = process.env): Promise<number> {
  let file: string | undefined;
  let force = false;
  try {
    const parsed = parseArgs({ args: argv, options: { force: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
    if (parsed.positionals.length !== 1) throw new Error('one file to import is required');
    file = parsed.positionals[0];
    force = parsed.values.force === true;
  } catch (error) {
    io.err(`${(error as Error).message}\nusage: ${USAGE}\n`);
    return EXIT.usage;
  }
  const checked = await checkFile(file);
  if ('problem' in checked) {
    io.err(`${file}: ${checked.problem}; nothing imported\n`);
    return EXIT.failed;
  }
  return withConfiguredLog(env, io, async (log) => {
    if (!force && (await log.headPosition()) !== undefined) {
      io.err('the event store is not empty; import into an empty store, or pass --force to append anyway\n');
      return EXIT.failed;
    }
    const progress = progressBar('import', checked.count);
    const count = await appendInOrder(log, readEvents(file), { exactRevisions: !force, onAppended: progress.add });
    io.err(summary(`imported from ${file}`, count, progress.stop()));
    return EXIT.ok;
  });
}

export const importCommand: CliCommand = {
  summary: 'append an NDJSON export into an empty event store, keeping event ids',
  usage: USAGE,
  run: (argv, io) => runImport(argv, io),
};

/** Every line parsed once before the first append: a bad file imports nothing. */
async function checkFile(file: string): Promise<{ count: number } | { problem: string }> {
  let count = 0;
  let previous: string | undefined;
  try {
    for await (const [text, lineNo] of lines(file)) {
      const event = parseLine(text, lineNo);
      if (previous !== undefined && comparePositions(event.position, previous) <= 0) {
        return { problem: `line ${lineNo}: events are not in log order` };
      }
      previous = event.position;
      count++;
    }
  } catch (error) {
    return { problem: (error as Error).message };
  }
  return { count };
}

async function* readEvents(file: string): AsyncGenerator<ExportedEvent> {
  for await (const [text, lineNo] of lines(file)) yield parseLine(text, lineNo);
}

function parseLine(text: string, lineNo: number): ExportedEvent {
  try {
    return parseExportLine(text);
  } catch (error) {
    throw new Error(`line ${lineNo}: ${(error as Error).message}`);
  }
}

/** Non-blank lines with their 1-based numbers. */
async function* lines(file: string): AsyncGenerator<[string, number]> {
  const reader = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const text of reader) {
    lineNo++;
    if (text.trim() !== '') yield [text, lineNo];
  }
}
