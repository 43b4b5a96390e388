import { performance } from 'node:perf_hooks';
import { DEFAULT_SETTINGS } from '../../../projections/model';
import { loadConfig } from '../../../src/config';
import { createEventStore } from '../../../src/event-log';
import { encode } from '../../../src/events';
import { prepareItem } from '../../../src/ingestion/prepare-item';
import { workload, type BatchItem } from '../gen/workload';

/** Items appended concurrently: the SQLite adapter's group commit and the key store's ensure batch them. */
const WINDOW = 4096;

/**
 * The bench workload appended straight into a data directory's log, through the service's own factory (the
 * crypto-shredding wrapper: sealed personal fields, subject keys) and the ingest path's own `prepareItem` (the same
 * streams, event ids and payloads POST /v1/ingest would append), without HTTP or a projector. Builds a large log
 * for the offline scenarios (rebuild, the 10M scaling point) several times faster than loading it through the
 * service. Appends until the log holds `until` events (a log that already holds them is left as it is).
 */
export async function appendWorkload(
  dataDir: string,
  until: number,
  seed: number,
  progress?: (stored: number, rate: number) => void,
): Promise<{ events: number; seconds: number }> {
  const config = await loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const log = createEventStore(config);
  const started = performance.now();
  let stored = Number((await log.headPosition()) ?? 0);
  const already = stored;
  const ctx = { settings: DEFAULT_SETTINGS, hashKey: config.identityHashKey!, limits: config.limits, now: new Date(), newId: () => 'unused' };
  // Enough persons for `until` items (about 22 each); the generator is deterministic, so a resumed run skips what
  // the log already holds and continues with the same items.
  const items = workload({ persons: Math.ceil(until / 20), seed });
  for (let skipped = 0; skipped < already; skipped++) items.next();
  let lastSaid = performance.now();
  while (stored < until) {
    const want = Math.min(WINDOW, until - stored);
    const window: BatchItem[] = [];
    while (window.length < want) {
      const next = items.next();
      if (next.done) break;
      window.push(next.value);
    }
    if (window.length === 0) throw new Error('the workload ran out of items');
    await Promise.all(
      window.map(({ kind, ...raw }) => {
        const prepared = prepareItem(kind, raw, ctx);
        return log.append(prepared.stream, [encode(prepared.event, prepared.eventId)], 'any');
      }),
    );
    stored += window.length;
    if (progress && performance.now() - lastSaid > 10_000) {
      lastSaid = performance.now();
      progress(stored, (stored - already) / ((lastSaid - started) / 1000));
    }
  }
  await log.close();
  return { events: stored, seconds: (performance.now() - started) / 1000 };
}
