import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { applyItem, createGraphState } from '../../../projections/identity-graph';
import { DEFAULT_SETTINGS, type IdentityKey } from '../../../projections/model';
import { applyRecordToFragment, type Fragment } from '../../../projections/unified-profile';
import { decode } from '../../../src/events/codec';
import { fragmentKey, profileRecordFor, type PrimaryStats } from '../../../src/projector/batch-projection';
import { graphItemOf, profileRecordOf, timelineEventOf } from '../../../src/projector/log-items';

/**
 * The rebuild baseline: read the log's rows straight from the SQLite events table, JSON.parse and decode them, and
 * run the same pure folds the projector runs (identity graph, record fragments, event counts, and the profile of
 * every graph a batch touched), with all state in memory and no writes. What a rebuild would cost if the read
 * models were free to write and load.
 */
const BATCH = 500;

interface Row {
  position: number;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

export function rawReadAndFold(logFile: string): { events: number; rate: number; graphs: number } {
  const db = new Database(logFile, { readonly: true });
  const graph = createGraphState();
  const fragments = new Map<string, Fragment>();
  const byPrimary = new Map<IdentityKey, Fragment[]>();
  const stats = new Map<IdentityKey, PrimaryStats>();
  const ctx = { settings: DEFAULT_SETTINGS, profileIdOf: (g: IdentityKey) => g };
  let touched = new Set<IdentityKey>();
  let events = 0;
  const started = performance.now();
  for (const row of db.prepare('SELECT * FROM events ORDER BY position').iterate() as IterableIterator<Row>) {
    const recorded = { eventId: row.event_id, type: row.type, stream: row.stream, revision: row.revision, position: String(row.position), recordedAt: new Date(row.recorded_at), data: JSON.parse(row.data), metadata: JSON.parse(row.metadata) };
    let decoded;
    try {
      decoded = decode(recorded);
    } catch {
      continue;
    }
    const item = graphItemOf(decoded);
    if (item) applyItem(graph, DEFAULT_SETTINGS, item).touchedNodes.forEach((k) => touched.add(k));
    const record = profileRecordOf(decoded);
    if (record) {
      const key = fragmentKey(record.source, record.primaryKey);
      const next = applyRecordToFragment(fragments.get(key), record);
      if (!fragments.has(key)) byPrimary.set(record.primaryKey, [...(byPrimary.get(record.primaryKey) ?? []), next]);
      else byPrimary.set(record.primaryKey, (byPrimary.get(record.primaryKey) ?? []).map((f) => (f === fragments.get(key) ? next : f)));
      fragments.set(key, next);
    }
    const event = timelineEventOf(decoded);
    if (event) {
      const s = stats.get(event.primaryKey);
      stats.set(event.primaryKey, { count: (s?.count ?? 0) + 1, lastEventAt: Math.max(s?.lastEventAt ?? 0, event.timestamp) });
    }
    if (++events % BATCH === 0) touched = buildTouched(graph, touched, byPrimary, stats, ctx);
  }
  buildTouched(graph, touched, byPrimary, stats, ctx);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { events, rate: events / seconds, graphs: graph.members.size };
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
