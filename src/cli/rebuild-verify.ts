import { readStoreTarget } from '../read-store/read-store.module';
import { dropModelVersion, liveModelVersion } from '../read-store';
import { withConfiguredLog } from './export';
import { BoundedLog, scanLog } from './rebuild-bounded-log';
import { diffDumps } from './rebuild-diff';
import { dumpReadModels } from './rebuild-dump';
import { buildModels, checkpointOf, withStore } from './rebuild-runner';
import { EXIT, type CliIo } from './tessera-io';

/** The scratch model version a verification builds into; dropped before and after. */
export const VERIFY_VERSION = 'verify';

type Env = Record<string, string | undefined>;

/**
 * `tessera rebuild --verify`: folds the log up to the live models' checkpoint into a scratch version, so both cover
 * the same events, then compares what a read client could see of each and prints every difference. Exit 0 when
 * equal, 1 when not. A projector writing the live models meanwhile makes the comparison meaningless: the command
 * says so when the live checkpoint moved.
 */
export async function verifyLiveModels(io: CliIo, env: Env, batchSize?: number): Promise<number> {
  return withConfiguredLog(env, io, async (log, config) => {
    const target = readStoreTarget(config);
    const live = await liveModelVersion(target);
    const checkpoint = await checkpointOf(target, live);
    const extent = checkpoint === undefined ? { count: 0 } : await scanLog(log, { position: checkpoint });
    await dropModelVersion(target, VERIFY_VERSION);
    await buildModels({ log: new BoundedLog(log, extent.head), target, modelVersion: VERIFY_VERSION, total: extent.count, config, io, batchSize });
    const differences = diffDumps(
      await withStore(target, live, dumpReadModels),
      await withStore(target, VERIFY_VERSION, dumpReadModels),
    );
    if ((await checkpointOf(target, live)) !== checkpoint) {
      differences.push(`the live models moved past position ${checkpoint} while verifying: stop the service and verify again`);
    }
    await dropModelVersion(target, VERIFY_VERSION);
    for (const line of differences) io.out(`${line}\n`);
    io.out(
      differences.length === 0
        ? `the live read models (${live}, position ${checkpoint ?? 'none'}) equal a rebuild from the log\n`
        : `${differences.length} difference(s) between the live read models (${live}) and a rebuild from the log\n`,
    );
    return differences.length === 0 ? EXIT.ok : EXIT.failed;
  });
}
