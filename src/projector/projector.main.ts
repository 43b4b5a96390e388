import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../common';
import { createEventStore } from '../event-log';
import { openReadStore } from '../read-store';
import { readStoreTarget } from '../read-store/read-store.module';
import { profileIdOf } from '../read-models';
import { Projector } from './projector';
import { defaultLeaseHolder } from './lease-keeper';

/**
 * The projector as its own process (`npm run projector`), for the distributed mode: the API instances then run
 * with PROJECTOR=external and only read the checkpoint. Same code, same checkpoint name as the in-process one.
 * Start as many as you like against one read store: they share its projector lease, one is active and the others
 * stand by and take over when it dies.
 */
async function main(): Promise<void> {
  const config = await loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const log = createEventStore(config);
  const store = await openReadStore(readStoreTarget(config));
  const projector = new Projector(log, store, {
    logger,
    batchSize: config.projector.batchSize,
    profileIdOf: (graphId) => profileIdOf(config.identityHashKey!, graphId),
    onCommit: ({ events, position, ms }) => logger.debug({ events, position, ms }, 'batch committed'),
    lease: { holder: config.projector.leaseHolder ?? defaultLeaseHolder(), ttlMs: config.projector.leaseTtlMs },
  });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'projector stopping');
    await projector.stop();
    await store.close();
    await log.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  projector.start();
  logger.info({ mode: config.mode, checkpoint: await store.getCheckpoint('profiles') }, 'projector running');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
