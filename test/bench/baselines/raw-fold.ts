import { performance } from 'node:perf_hooks';
import { applyItem, createGraphState } from '../../../projections/identity-graph';
import { DEFAULT_SETTINGS, type IdentityKey } from '../../../projections/model';
import { applyRecordToFragment, type Fragment } from '../../../projections/unified-profile';
import { decode, type DecodedEvent } from '../../../src/events/codec';
import type { EventStore } from '../../../src/event-store/event-store.port';
import {
  fragmentKey,
  graphItemOf,
  profileRecordFor,
  profileRecordOf,
  timelineEventOf,
  type PrimaryStats,
} from '../../../src/read-models';

/**
 * The rebuild baseline: read the log page by page through its read path (the SQLite adapter under the
 * crypto-shredding wrapper, which opens the personal fields: the same events the projector sees), decode them, and
 * run the same pure folds the projector runs (identity graph, record fragments, event counts, and the profile of
 * every graph a batch touched), with all state in memory and no writes. What a rebuild would cost if the read
 * models were free to load and write.
 */
const BATCH = 500;
const PAGE = 1000;

export async function rawReadAndFold(log: EventStore): Promise<{ events: number; rate: number; graphs: number }> {
  const graph = createGraphState();
  const fragments = new Map<string, Fragment>();
  const byPrimary = new Map<IdentityKey, Fragment[]>();
  const stats = new Map<IdentityKey, PrimaryStats>();
  const ctx = { settings: DEFAULT_SETTINGS, profileIdOf: (g: IdentityKey) => g };
  let touched = new Set<IdentityKey>();
  let events = 0;
  let after: string | undefined;
  const started = performance.now();
  for (;;) {
    const page = await log.readAll({ after, limit: PAGE });
    if (page.length === 0) break;
    after = page[page.length - 1].position;
    for (const recorded of page) {
      let decoded: DecodedEvent;
      try {
        decoded = decode(recorded);
      } catch {
        continue;
      }
      foldOne(decoded, graph, fragments, byPrimary, stats, touched);
      if (++events % BATCH === 0) touched = buildTouched(graph, touched, byPrimary, stats, ctx);
    }
  }
  buildTouched(graph, touched, byPrimary, stats, ctx);
  const seconds = (performance.now() - started) / 1000;
  return { events, rate: events / seconds, graphs: graph.members.size };
}

function foldOne(
  decoded: DecodedEvent,
  graph: ReturnType<typeof createGraphState>,
  fragments: Map<string, Fragment>,
  byPrimary: Map<IdentityKey, Fragment[]>,
  stats: Map<IdentityKey, PrimaryStats>,
  touched: Set<IdentityKey>,
): void {
  const item = graphItemOf(decoded);
  if (item) applyItem(graph, DEFAULT_SETTINGS, item).touchedNodes.forEach((k) => touched.add(k));
  const record = profileRecordOf(decoded);
  if (record) {
    const key = fragmentKey(record.source, record.primaryKey);
    const previous = fragments.get(key);
    const next = applyRecordToFragment(previous, record);
    byPrimary.set(record.primaryKey, [...(byPrimary.get(record.primaryKey) ?? []).filter((f) => f !== previous), next]);
    fragments.set(key, next);
  }
  const event = timelineEventOf(decoded);
  if (event) {
    const s = stats.get(event.primaryKey);
    stats.set(event.primaryKey, { count: (s?.count ?? 0) + 1, lastEventAt: Math.max(s?.lastEventAt ?? 0, event.timestamp) });
  }
}

/** The profile of every graph the batch touched, built and dropped (the projector would write it). */
function buildTouched(
  graph: ReturnType<typeof createGraphState>,
  touched: Set<IdentityKey>,
  byPrimary: Map<IdentityKey, Fragment[]>,
  stats: Map<IdentityKey, PrimaryStats>,
  ctx: { settings: typeof DEFAULT_SETTINGS; profileIdOf(g: IdentityKey): string },
): Set<IdentityKey> {
  const graphs = new Set([...touched].map((k) => graph.nodes.get(k)?.graphId).filter((g): g is IdentityKey => g !== undefined));
  for (const graphId of graphs) {
    const members = graph.members.get(graphId);
    if (!members || members.size === 0) continue;
    profileRecordFor(graphId, [...members].map((k) => graph.nodes.get(k)!), byPrimary, stats, ctx);
  }
  return new Set();
}
