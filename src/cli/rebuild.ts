import { parseArgs } from 'node:util';
import { isPosition } from '../event-store';
import { readStoreTarget } from '../read-store/read-store.module';
import { dropModelVersion, listModelVersions, liveModelVersion, setLiveModelVersion } from '../read-store';
import { withConfiguredLog } from './export';
import { BoundedLog, scanLog, type LogBound } from './rebuild-bounded-log';
import { buildModels, checkpointOf } from './rebuild-runner';
import { snapshotUntil } from './rebuild-snapshot';
import { verifyLiveModels } from './rebuild-verify';
import { EXIT, processIo, type CliCommand, type CliIo } from './tessera-io';

const USAGE =
  'tessera rebuild [--verify] [--force] [--batch-size <n>] | tessera rebuild --until <ISO timestamp | position> --out <dir>';

type Env = Record<string, string | undefined>;

interface RebuildArgs {
  verify: boolean;
  force: boolean;
  batchSize?: number;
  until?: string;
  out?: string;
}

/**
 * `tessera rebuild`: folds the whole log into a new model version beside the live read models, then makes it live.
 * The live version is a pointer read when a process opens the read store (model-versions.ts): a running service
 * keeps serving (and its projector keeps writing) the old version until it restarts. So stop the service and any
 * projector process first; if the live models still moved while rebuilding, the swap is refused (--force swaps
 * anyway). The old version is kept for inspection and dropped by the next rebuild.
 * `--verify` builds beside, compares with the live models and prints every difference (exit 1 if any).
 * `--until T --out DIR` writes a snapshot of the past into a separate data dir (rebuild-snapshot.ts).
 */
export async function runRebuild(argv: string[], io: CliIo = processIo, env: Env = process.env): Promise<number> {
  const args = parse(argv, io);
  if (typeof args === 'number') return args;
  if (args.until !== undefined) {
    const bound = parseBound(args.until);
    if (!bound || args.out === undefined) return usageError(io, bound ? '--until needs --out <dir>' : `--until ${args.until} is neither a timestamp with a zone nor a position`);
    return snapshotUntil(bound, args.out, io, env, args.batchSize);
  }
  if (args.out !== undefined) return usageError(io, '--out goes with --until');
  return args.verify ? verifyLiveModels(io, env, args.batchSize) : rebuildAndSwap(args, io, env);
}

export const rebuildCommand: CliCommand = {
  summary: 'rebuild the read models from the log beside the live ones, then swap (or --verify, or --until a past point)',
  usage: USAGE,
  run: (argv, io) => runRebuild(argv, io),
};

async function rebuildAndSwap({ force, batchSize }: RebuildArgs, io: CliIo, env: Env): Promise<number> {
  return withConfiguredLog(env, io, async (log, config) => {
    const target = readStoreTarget(config);
    const live = await liveModelVersion(target);
    const next = nextVersion(live);
    for (const version of await listModelVersions(target)) if (version !== live) await dropModelVersion(target, version);
    await dropModelVersion(target, next);
    const liveBefore = await checkpointOf(target, live);
    const extent = await scanLog(log);
    await buildModels({ log: new BoundedLog(log, extent.head), target, modelVersion: next, total: extent.count, config, io, batchSize });
    const liveAfter = await checkpointOf(target, live);
    if (liveAfter !== liveBefore && !force) {
      io.err(`the live read models (${live}) moved from ${liveBefore ?? 'empty'} to ${liveAfter} while rebuilding: a service or projector is running on them. Stop it and run rebuild again (or pass --force to swap anyway). ${next} was built and not made live.\n`);
      return EXIT.failed;
    }
    await setLiveModelVersion(target, next);
    io.out(`read models ${next} are live (up to position ${extent.head ?? 'none'}); ${live} is kept until the next rebuild. Restart the service to serve ${next}.\n`);
    return EXIT.ok;
  });
}

/** v1 → v2 → v3...; any other live name (set by hand) is followed by v2. */
export function nextVersion(live: string): string {
  const match = /^v(\d{1,9})$/.exec(live);
  return `v${match ? Number(match[1]) + 1 : 2}`;
}

/** A position (digits) or an ISO-8601 timestamp with a zone. */
export function parseBound(raw: string): LogBound | undefined {
  if (isPosition(raw)) return { position: raw };
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(raw)) return undefined;
  const time = Date.parse(raw);
  return Number.isNaN(time) ? undefined : { time };
}

function parse(argv: string[], io: CliIo): RebuildArgs | number {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        verify: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        until: { type: 'string' },
        out: { type: 'string' },
        'batch-size': { type: 'string' },
      },
      strict: true,
    });
    if (values.verify && values.until !== undefined) return usageError(io, '--verify and --until do not go together');
    const raw = values['batch-size'];
    const batchSize = raw === undefined ? undefined : Number(raw);
    if (batchSize !== undefined && !(/^\d{1,5}$/.test(raw!) && batchSize >= 1 && batchSize <= 10_000)) {
      return usageError(io, '--batch-size is an integer from 1 to 10000');
    }
    return { verify: values.verify === true, force: values.force === true, until: values.until, out: values.out, batchSize };
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
}

function usageError(io: CliIo, message: string): number {
  io.err(`${message}\nusage: ${USAGE}\n`);
  return EXIT.usage;
}
