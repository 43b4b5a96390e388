import type { IdentityKey } from '../../../projections/model';
import type { AudienceWrites, JsonDocument, MembershipRow } from '../read-store.port';

/**
 * Every membership interval of one graph, packed into one stored document (SQLite's `membership_sets`): a batch
 * that moves a profile in and out of twenty audiences rewrites one row, not twenty. The docs the intervals carry
 * are kept once each (`d`): the transitions of one step share their profile id and cause, so a step adds one doc.
 * `m` rows: [audienceId, enteredAt, exitedAt | null, entry doc index, exit doc index | null].
 */
export interface MembershipSet {
  d: JsonDocument[];
  m: Array<[string, number, number | null, number, number | null]>;
}

export type ExitWrite = NonNullable<AudienceWrites['exit']>[number];

/** How many of a set's newest docs a write may share instead of adding its own. */
const RECENT_DOCS = 4;

export function emptySet(): MembershipSet {
  return { d: [], m: [] };
}

/** What applying some writes to a set changed: the intervals opened and closed, for the per-audience index. */
export interface SetChanges {
  opened: Array<{ audienceId: string; enteredAt: number }>;
  closed: Array<{ audienceId: string; enteredAt: number; exitedAt: number }>;
}

/**
 * Exits first (a step may close an interval and open the next one of the same audience), then entries. An exit with
 * no open interval and an entry already stored change nothing, so re-applied writes are ignored. An entry is stored
 * already when the audience has an open interval, or one entered at that time and left later; an interval entered
 * and left in that very millisecond is not it: the profile entered again (three items in one millisecond: in, out,
 * in), and that entry is an interval of its own.
 */
export function applyToSet(set: MembershipSet, exits: readonly ExitWrite[], enters: readonly MembershipRow[]): SetChanges {
  const changes: SetChanges = { opened: [], closed: [] };
  // A doc is shared with the writes of this call and with the set's last few docs (a step's, or the exits of lapses
  // in a row, which carry no position): indexing every doc of the set cost a JSON.stringify of each on every write.
  const docIndex = new Map<string, number>();
  let recentIndexed = false;
  const docOf = (doc: JsonDocument) => {
    if (!recentIndexed) {
      for (let i = Math.max(0, set.d.length - RECENT_DOCS); i < set.d.length; i++) docIndex.set(JSON.stringify(set.d[i]), i);
      recentIndexed = true;
    }
    const key = JSON.stringify(doc);
    let index = docIndex.get(key);
    if (index === undefined) {
      index = set.d.push(doc) - 1;
      docIndex.set(key, index);
    }
    return index;
  };
  for (const e of exits) {
    const open = set.m.find((r) => r[0] === e.audienceId && r[2] === null);
    if (!open) continue;
    open[2] = e.exitedAt;
    open[4] = docOf(e.doc);
    changes.closed.push({ audienceId: e.audienceId, enteredAt: open[1], exitedAt: e.exitedAt });
  }
  for (const r of enters) {
    if (set.m.some((m) => m[0] === r.audienceId && (m[2] === null || (m[1] === r.enteredAt && m[2] > r.enteredAt)))) continue;
    set.m.push([r.audienceId, r.enteredAt, null, docOf(r.doc), null]);
    changes.opened.push({ audienceId: r.audienceId, enteredAt: r.enteredAt });
  }
  return changes;
}

/** The set's intervals as the port's rows (each with a doc of its own: the entry doc with the exit doc merged in). */
export function rowsOfSet(graphId: IdentityKey, set: MembershipSet, keep: (exitedAt: number | null, enteredAt: number) => boolean = () => true): MembershipRow[] {
  const rows: MembershipRow[] = [];
  for (const [audienceId, enteredAt, exitedAt, doc, exitDoc] of set.m) {
    if (!keep(exitedAt, enteredAt)) continue;
    const merged = exitDoc === null ? { ...set.d[doc] } : { ...set.d[doc], ...set.d[exitDoc] };
    rows.push({ audienceId, graphId, enteredAt, ...(exitedAt === null ? {} : { exitedAt }), doc: merged });
  }
  return rows;
}

/** Groups a batch's writes by graph, in first-seen order. */
export function writesByGraph(writes: AudienceWrites): Map<IdentityKey, { exits: ExitWrite[]; enters: MembershipRow[] }> {
  const byGraph = new Map<IdentityKey, { exits: ExitWrite[]; enters: MembershipRow[] }>();
  const of = (graphId: IdentityKey) => {
    let group = byGraph.get(graphId);
    if (!group) byGraph.set(graphId, (group = { exits: [], enters: [] }));
    return group;
  };
  for (const e of writes.exit ?? []) of(e.graphId).exits.push(e);
  for (const r of writes.enter ?? []) of(r.graphId).enters.push(r);
  return byGraph;
}
