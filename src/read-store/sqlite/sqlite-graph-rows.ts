import type { SqliteStatements } from './sqlite-statements';

/**
 * Where a batch's keyed graph and profile rows go: straight into the tables (directRows), or, inside a whole commit
 * group, into PendingGraphRows until the group ends. Docs arrive as JSON text, so a document that cannot be stored
 * fails the commit that brought it, wherever it goes.
 */
export interface GraphRowWriter {
  node(key: string, graphId: string, pos: string, doc: string): void;
  deleteNode(key: string, pos: string): void;
  link(key: string, a: string, b: string, pos: string, doc: string): void;
  deleteLink(key: string, pos: string): void;
  fragment(primaryKey: string, source: string, pos: string, doc: string): void;
  deleteFragment(primaryKey: string, source: string, pos: string): void;
  profile(graphId: string, pos: string, createdAt: number, updatedAt: number, doc: string): void;
  deleteProfile(graphId: string, pos: string): void;
  /** What newly stored timeline events add to a primary's stats (sums: count, newest time, newest position). */
  stats(primaryKey: string, count: number, lastEventAt: number, lastPosition: string, lastPos: string): void;
}

export function directRows(s: SqliteStatements): GraphRowWriter {
  return {
    node(key, graphId, pos, doc) {
      if (s.updateNodeInGraph.run(pos, doc, key, graphId, pos).changes === 0) s.upsertNode.run(key, graphId, pos, doc);
    },
    deleteNode: (key, pos) => void s.deleteNode.run(key, pos),
    link: (key, a, b, pos, doc) => void s.upsertLink.run(key, a, b, pos, doc),
    deleteLink: (key, pos) => void s.deleteLink.run(key, pos),
    fragment: (primaryKey, source, pos, doc) => void s.upsertFragment.run(primaryKey, source, pos, doc),
    deleteFragment: (primaryKey, source, pos) => void s.deleteFragment.run(primaryKey, source, pos),
    profile: (graphId, pos, createdAt, updatedAt, doc) => void s.upsertProfile.run(graphId, pos, createdAt, updatedAt, doc),
    deleteProfile: (graphId, pos) => void s.deleteProfile.run(graphId, pos),
    stats: (primaryKey, count, lastEventAt, lastPosition, lastPos) => void s.countEvents.run(primaryKey, count, lastEventAt, lastPosition, lastPos),
  };
}

/** What a primary's newly stored timeline events add to its stats row. */
export interface StatsSum {
  count: number;
  lastEventAt: number;
  lastPosition: string;
  /** positionKey(lastPosition): compares in log order. */
  lastPos: string;
}

/** Adds to a primary's running sum (count, newest time, newest position): one rule for a batch's events and a group's batches. */
export function addToStats(sums: Map<string, StatsSum>, primaryKey: string, count: number, lastEventAt: number, lastPosition: string, lastPos: string): void {
  const sum = sums.get(primaryKey);
  if (!sum) {
    sums.set(primaryKey, { count, lastEventAt, lastPosition, lastPos });
    return;
  }
  sum.count += count;
  sum.lastEventAt = Math.max(sum.lastEventAt, lastEventAt);
  if (lastPos > sum.lastPos) [sum.lastPosition, sum.lastPos] = [lastPosition, lastPos];
}

type Write = (to: GraphRowWriter) => void;
/** The tables whose rows are kept one per key (last write wins); stats are summed instead. */
type KeyedTable = 'nodes' | 'links' | 'fragments' | 'profiles';
export type GraphTable = KeyedTable | 'stats';
export const GRAPH_TABLES: readonly GraphTable[] = ['nodes', 'links', 'fragments', 'profiles', 'stats'];

/**
 * The rows of a whole commit group (ReadStore.groupCommits `wholeOnly`), one per key, written when the group ends or
 * before anything reads their tables (the adapter flushes first). With audiences a segment commits nearly every item
 * as a part of its own, and each part rewrote the rows of the graphs it touched: ~26k profile and ~25k node rows per
 * 20k items, where once per group is ~5.8k and ~9.5k.
 *
 * Keeping only a key's last write gives what writing each in turn gives: every write is guarded by its position
 * (upserts replace an older row, deletes remove one at or before it) and a group's commits come in log order, so a
 * later write of a key decides its row whatever the earlier ones did. Stats are sums and add up instead. A whole
 * group is all-or-nothing: nothing here outlives it (flush, or discard when it fails).
 */
export class PendingGraphRows implements GraphRowWriter {
  private readonly tables: Record<KeyedTable, Map<string, Write>> = { nodes: new Map(), links: new Map(), fragments: new Map(), profiles: new Map() };
  private readonly sums = new Map<string, StatsSum>();

  /** Whether rows of these tables (all: any) wait to be written. */
  pending(tables?: readonly GraphTable[]): boolean {
    return (tables ?? GRAPH_TABLES).some((t) => (t === 'stats' ? this.sums.size > 0 : this.tables[t].size > 0));
  }

  node(key: string, graphId: string, pos: string, doc: string): void {
    this.tables.nodes.set(key, (to) => to.node(key, graphId, pos, doc));
  }

  deleteNode(key: string, pos: string): void {
    this.tables.nodes.set(key, (to) => to.deleteNode(key, pos));
  }

  link(key: string, a: string, b: string, pos: string, doc: string): void {
    this.tables.links.set(key, (to) => to.link(key, a, b, pos, doc));
  }

  deleteLink(key: string, pos: string): void {
    this.tables.links.set(key, (to) => to.deleteLink(key, pos));
  }

  fragment(primaryKey: string, source: string, pos: string, doc: string): void {
    this.tables.fragments.set(`${primaryKey}\u0000${source}`, (to) => to.fragment(primaryKey, source, pos, doc));
  }

  deleteFragment(primaryKey: string, source: string, pos: string): void {
    this.tables.fragments.set(`${primaryKey}\u0000${source}`, (to) => to.deleteFragment(primaryKey, source, pos));
  }

  profile(graphId: string, pos: string, createdAt: number, updatedAt: number, doc: string): void {
    this.tables.profiles.set(graphId, (to) => to.profile(graphId, pos, createdAt, updatedAt, doc));
  }

  deleteProfile(graphId: string, pos: string): void {
    this.tables.profiles.set(graphId, (to) => to.deleteProfile(graphId, pos));
  }

  stats(primaryKey: string, count: number, lastEventAt: number, lastPosition: string, lastPos: string): void {
    addToStats(this.sums, primaryKey, count, lastEventAt, lastPosition, lastPos);
  }

  /**
   * Writes the pending rows of these tables (all: every one) inside the group's transaction, and forgets them. A
   * read flushes only the tables it reads: the projector's scope loads read nodes, links, fragments and stats every
   * few dozen items, never the profiles, which then wait for the group's end.
   */
  flush(to: GraphRowWriter, tables: readonly GraphTable[] = GRAPH_TABLES): void {
    for (const table of tables) {
      if (table === 'stats') {
        const sums = [...this.sums];
        this.sums.clear();
        for (const [primaryKey, sum] of sums) to.stats(primaryKey, sum.count, sum.lastEventAt, sum.lastPosition, sum.lastPos);
        continue;
      }
      const rows = [...this.tables[table].values()];
      this.tables[table].clear();
      for (const write of rows) write(to);
    }
  }

  discard(): void {
    for (const table of Object.values(this.tables)) table.clear();
    this.sums.clear();
  }
}
