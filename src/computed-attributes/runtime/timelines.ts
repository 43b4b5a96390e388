import type { ComputedEvent } from '../../../projections/computed-attributes';
import type { ReadStore } from '../../read-store/read-store.port';

/**
 * Every stored timeline event of these primary identities, as the window engine reads them, in log order: what a
 * definition's state is built from when it is new to a primary identity (backfill, or a live item touching a
 * primary identity the backfill has not reached yet).
 */
export async function timelinesOf(store: ReadStore, primaryKeys: string[]): Promise<Map<string, ComputedEvent[]>> {
  const out = new Map<string, ComputedEvent[]>(primaryKeys.map((k) => [k, []]));
  if (primaryKeys.length === 0) return out;
  let cursor: string | undefined;
  do {
    const page = await store.queryEvents({ primaryKeys, order: 'asc', limit: 1000, cursor });
    for (const e of page.items) {
      const data = (e.doc.data ?? {}) as Record<string, unknown>;
      out.get(e.primaryKey)?.push({ type: e.type, timestamp: e.timestamp, position: e.position, data });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
