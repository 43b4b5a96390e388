import { applyItem, scopeGraphIds, type GraphItem, type GraphState } from '../../projections/identity-graph';
import { identityKey, type IdentityKey, type IdentityNode, type IdentitySettings } from '../../projections/model';
import { applyRecordToFragment, buildProfile, type AttributeMerge, type Fragment } from '../../projections/unified-profile';
import { changesBy, computeGraph, foldComputedEvent, graphNextChangeAt, packState, type ComputedContext, type ComputedScope } from '../../projections/computed-attributes';
import type { DecodedEvent } from '../events';
import { comparePositions, type Position } from '../event-store';
import type {
  EventStats,
  Fragment as StoredFragment,
  ItemIndexEntry,
  ProfileRecord,
  ReadModelBatch,
  TimelineEvent,
} from '../read-store/read-store.port';
import { BatchChangeFeed } from './batch-change-feed';
import { BatchComputedChanges } from './batch-computed-changes';
import { logItemPartsOf } from './log-items';
import { UnsettledGraphs, type GraphNow, type SettledQuestion } from './unsettled-graphs';

/**
 * The part of the read models one batch can change, loaded before the batch (src/projector/batch-scope.ts): the
 * graphs of the batch's identities, the fragments and event stats of every identity in them. Owned and mutated by
 * the projection.
 */
export interface LoadedScope {
  graph: GraphState;
  /** By fragmentKey(source, primaryKey). */
  fragments: Map<string, Fragment>;
  stats: Map<IdentityKey, PrimaryStats>;
  /** graphIds of the loaded nodes before the batch: a graph among them that is gone after it loses its profile. */
  graphsBefore: Set<IdentityKey>;
  /** Window-engine states of the loaded identities (projections/computed-attributes), when definitions exist. */
  computed?: ComputedScope;
  /** The stored values of the loaded graphs, with when they next change by time (the computed feed compares them). */
  computedValues?: Map<IdentityKey, { values: Record<string, unknown>; dueAt?: number }>;
}

export interface PrimaryStats {
  count: number;
  lastEventAt: number;
  /** Newest event counted: a re-applied batch (MongoDB, after a crash mid-commit) must not count it twice. */
  lastPosition?: Position;
}

export interface ProjectionContext {
  settings: IdentitySettings;
  rejected: ReadonlySet<string>;
  /** The public id of a graph's profile (a keyed hash: graph ids hold identity values). */
  profileIdOf(graphId: IdentityKey): string;
  /**
   * The computed-attribute definitions in force and the projector's moment (re-derivations run at it; items fold
   * at their own log time instead); absent: none defined.
   */
  computed?: ComputedContext;
}

export const fragmentKey = (source: string, primaryKey: IdentityKey) => `${source}\u0000${primaryKey}`;

/** A scope from what the read store returned: the graph as loaded, its identities' stored fragments and stats. */
export function loadedScopeOf(
  graph: GraphState,
  fragments: readonly StoredFragment[],
  stats: readonly EventStats[],
  graphsBefore: Set<IdentityKey>,
): LoadedScope {
  return {
    graph,
    fragments: new Map(fragments.map((f) => [fragmentKey(f.source, f.primaryKey), f.doc])),
    stats: new Map(stats.map((s) => [s.primaryKey, { count: s.count, lastEventAt: s.lastEventAt, lastPosition: s.lastPosition }])),
    graphsBefore,
  };
}

/**
 * Folds a batch of log events (no rule events) into the loaded scope and returns every read-model write it implies:
 * changed nodes and links, changed fragments, new timeline events, and the recomputed profile of every graph the
 * batch touched (profiles of graphs that merged away or emptied are deleted). Pure apart from mutating `scope`.
 */
export function projectBatch(scope: LoadedScope, events: readonly DecodedEvent[], ctx: ProjectionContext): ReadModelBatch {
  return projectSegment(scope, events, ctx).writes;
}

export interface SegmentOptions {
  /**
   * Whether an item can move memberships (some audience reads what it changes). With it, the segment stops before
   * an item that touches a graph an earlier such item (or one that reshaped it) touched, unless `settled` finds its
   * memberships standing: audiences evaluate each graph once per segment, so it is evaluated exactly as after the
   * item that moved it, whatever the batch sizes.
   */
  movesMemberships?: (decoded: DecodedEvent) => boolean;
  /**
   * With `movesMemberships`: whether the memberships the store holds for a graph stand, asked at a later item on a
   * graph an earlier item could have moved, with what a part ending there would evaluate (unsettled-graphs.ts). If
   * they do, the segment goes on: that part would have written no transition for it, so every membership, its time
   * and its cause come out as parts would give them. A graph an item reshaped (created, merged, split) always ends it.
   */
  settled?: (question: SettledQuestion) => boolean;
  /**
   * The soonest window change due in any graph (the projector's timer queue, once the lapses due by the first item
   * are applied). With it, the segment also stops before an item logged at or after it, or at or after a change the
   * segment's own items set due (a recent event lapsing, a future-dated one coming due), whichever graph it is in:
   * the projector applies the lapse in between, so it is committed right after the entry it follows in log time, and
   * its feed items are numbered there whatever the batch sizes (a live timer commits it there too).
   */
  timerQueue?: { soonest?: number };
  /**
   * The change feed of the scope, carried from one part of a window to the next (BatchChangeFeed.take): the item a
   * part ended before, and the graphs the next part comes back to, are not snapshotted again. Absent: one of its own.
   */
  feed?: BatchChangeFeed;
}

/** A segment's writes, and how many of its items they cover (the rest is folded as a segment of its own). */
export interface ProjectedSegment {
  writes: ReadModelBatch;
  folded: number;
  /**
   * Per graph (its id before or after the item), the last folded item that could move its memberships (every item,
   * without `movesMemberships`): the item its transitions are dated at.
   */
  lastItems: Map<IdentityKey, DecodedEvent>;
}

/**
 * projectBatch for the projector: window engines fold each event as of its item's log time (never the clock), so a
 * rebuild counts what the live run counted. The segment also stops before an item (never its first) that touches a
 * graph with a window change due at or before the item's time, so the projector applies that lapse first, at its
 * own moment, exactly as it did live; and, with `onePerGraph`, before an item touching a graph touched already.
 */
export function projectSegment(scope: LoadedScope, events: readonly DecodedEvent[], ctx: ProjectionContext, options: SegmentOptions = {}): ProjectedSegment {
  const touchedNodes = new Set<IdentityKey>();
  const touchedLinks = new Set<string>();
  const changedFragments = new Set<string>();
  const timeline: TimelineEvent[] = [];
  const feed = options.feed ?? new BatchChangeFeed(scope, ctx.profileIdOf, fragmentKey);
  const computedFeed = scope.computed && ctx.computed ? new BatchComputedChanges({ ...scope, computed: scope.computed }, ctx.computed, ctx.profileIdOf) : undefined;
  const itemIndex: ItemIndexEntry[] = [];
  /** Per graph the segment touched, the log time of the last item that touched it: its values are as of then. */
  const graphTimes = new Map<IdentityKey, number>();
  const lastItems = new Map<IdentityKey, DecodedEvent>();
  // Only audiences end a segment at a graph's later item: without them nothing is tracked.
  const unsettled = options.movesMemberships ? new UnsettledGraphs(graphNow(scope, ctx, { get: (k) => feed.fragmentsOf(k) }), options.settled) : undefined;
  let folded = 0;
  let soonest = options.timerQueue?.soonest;
  for (const decoded of events) {
    let counted = false;
    const at = decoded.recordedAt.getTime();
    const parts = logItemPartsOf(decoded);
    const mark = feed.before(decoded, parts);
    if (folded > 0 && soonest !== undefined && soonest <= at) break;
    if (folded > 0 && mustStopBefore(scope, ctx, mark.before.snapshots.keys(), at, unsettled && ((g) => unsettled.endsBefore(g, graphTimes.get(g)!)))) break;
    folded++;
    const { item, record, event } = parts;
    if (item) {
      itemIndex.push(...indexRowsOf(decoded, item));
      const outcome = applyItem(scope.graph, ctx.settings, item, ctx.rejected);
      outcome.touchedNodes.forEach((k) => touchedNodes.add(k));
      outcome.touchedLinks.forEach((k) => touchedLinks.add(k));
    }
    if (record) {
      const key = fragmentKey(record.source, record.primaryKey);
      scope.fragments.set(key, applyRecordToFragment(scope.fragments.get(key), record));
      changedFragments.add(key);
    }
    if (event) {
      timeline.push(event);
      countEvent(scope.stats, event);
      if (scope.computed && ctx.computed) counted = foldComputedEvent(scope.computed, { ...ctx.computed, now: at }, event.primaryKey, computedEventOf(event));
    }
    const touched = feed.after(mark, parts);
    const moves = !options.movesMemberships || touched.movedIdentities || options.movesMemberships(decoded);
    for (const graphId of [...mark.before.snapshots.keys(), ...touched.graphIds]) {
      graphTimes.set(graphId, at);
      if (moves) lastItems.set(graphId, decoded);
      unsettled?.touched(graphId, decoded, moves, touched.movedIdentities);
    }
    if (computedFeed) feed.contribute(mark.cause, computedFeed.after(touched.graphIds, counted || touched.movedIdentities, at));
    if (options.timerQueue && counted) soonest = soonestChange(scope, ctx, touched.graphIds, soonest);
  }
  // Cut short, the scope also holds the graphs of items left for the next segment: they are not written now.
  const profiles = profilesOf(scope, ctx, folded < events.length ? new Set(graphTimes.keys()) : undefined);
  const lastAt = folded === 0 ? undefined : events[folded - 1]!.recordedAt.getTime();
  const writes: ReadModelBatch = {
    nodes: { upsert: [...touchedNodes].map((k) => ({ ...scope.graph.nodes.get(k)! })) },
    links: { upsert: [...touchedLinks].map((k) => ({ ...scope.graph.links.get(k)! })) },
    fragments: { upsert: [...changedFragments].map((k) => storedFragment(scope.fragments.get(k)!)) },
    profiles,
    events: timeline,
    itemIndex,
    ...(scope.computed && ctx.computed
      ? { computed: computedWritesOf(scope, scope.computed, ctx.computed, profiles, (g) => graphTimes.get(g) ?? lastAt) }
      : {}),
    changes: feed.take(),
  };
  return { writes, folded, lastItems };
}

/**
 * Once a part's writes are committed, the scope it was folded on is what the store holds for its graphs: the next
 * part of the same window folds on it (no load), with the graphs as they are now as its "before".
 */
export function carryScope(scope: LoadedScope, writes: ReadModelBatch): void {
  scope.graphsBefore = new Set(scopeGraphIds(scope.graph.nodes.values()));
  for (const v of writes.computed?.values?.upsert ?? []) scope.computedValues?.set(v.graphId, { values: v.values, dueAt: v.dueAt });
  for (const graphId of writes.computed?.values?.delete ?? []) scope.computedValues?.delete(graphId);
}

/**
 * Whether the segment must end before an item at `at` whose graphs (before it) are `graphIds`: one of them holds a
 * window change due at or before `at` (a lapse, a future-dated event coming due), or, when `moved` is given, an
 * earlier item of the segment that could move memberships touched one of them.
 */
function mustStopBefore(
  scope: LoadedScope,
  ctx: ProjectionContext,
  graphIds: Iterable<IdentityKey>,
  at: number,
  endsBefore: ((graphId: IdentityKey) => boolean) | undefined,
): boolean {
  for (const graphId of graphIds) {
    if (endsBefore?.(graphId)) return true;
    if (!scope.computed || !ctx.computed) continue;
    const states = [...(scope.graph.members.get(graphId) ?? [])].map((k) => scope.computed!.states.get(k)).filter((s) => s !== undefined);
    if (changesBy(states, ctx.computed.definitions, at)) return true;
  }
  return false;
}

/**
 * A graph's profile and values as the scope holds them, built as a part's writes would build them.
 * `fragmentsByPrimary`: the scope's fragments by primary identity as they stand at each question (the feed's index).
 */
function graphNow(scope: LoadedScope, ctx: ProjectionContext, fragmentsByPrimary: FragmentsByPrimary): GraphNow {
  return {
    profileOf: (graphId) => profileOfGraph(scope, ctx, graphId, fragmentsByPrimary),
    valuesOf(graphId, at) {
      if (!scope.computed || !ctx.computed) return this.storedValuesOf(graphId);
      return computeGraph(scope.computed, { ...ctx.computed, now: at }, graphId, scope.graph.members.get(graphId) ?? []).values;
    },
    storedValuesOf: (graphId) => scope.computedValues?.get(graphId)?.values ?? {},
  };
}

/** The sooner of `soonest` and the next window change of these graphs (after an item that counted an event). */
function soonestChange(scope: LoadedScope, ctx: ProjectionContext, graphIds: Iterable<IdentityKey>, soonest: number | undefined): number | undefined {
  if (!scope.computed || !ctx.computed) return soonest;
  for (const graphId of graphIds) {
    const states = [...(scope.graph.members.get(graphId) ?? [])].map((k) => scope.computed!.states.get(k)).filter((s) => s !== undefined);
    const next = graphNextChangeAt(states, ctx.computed.definitions);
    if (next !== undefined && (soonest === undefined || next < soonest)) soonest = next;
  }
  return soonest;
}

/** One identity→items index row per identity of the item (linked or not), so asOf can find it from any of them. */
function indexRowsOf(decoded: DecodedEvent, item: GraphItem): ItemIndexEntry[] {
  const keys = new Set([...item.identities, ...(item.unlinked ?? [])].map(identityKey));
  const { eventId, position, stream, revision } = decoded;
  const recordedAt = decoded.recordedAt.getTime();
  return [...keys].map((key) => ({ identityKey: key, eventId, position, recordedAt, stream, revision }));
}

function countEvent(stats: Map<IdentityKey, PrimaryStats>, event: TimelineEvent): void {
  const current = stats.get(event.primaryKey);
  if (current?.lastPosition !== undefined && comparePositions(event.position, current.lastPosition) <= 0) return;
  stats.set(event.primaryKey, {
    count: (current?.count ?? 0) + 1,
    lastEventAt: Math.max(current?.lastEventAt ?? -Infinity, event.timestamp),
    lastPosition: event.position,
  });
}

function computedEventOf(event: TimelineEvent) {
  const data = (event.doc.data ?? {}) as Record<string, unknown>;
  return { type: event.type, timestamp: event.timestamp, position: event.position, data };
}

/** Values (and due times) of every graph whose profile the batch wrote; gone profiles lose theirs; changed states. */
export function computedWritesOf(
  scope: LoadedScope,
  computed: ComputedScope,
  ctx: ComputedContext,
  profiles: NonNullable<ReadModelBatch['profiles']>,
  /** The moment a graph's values are computed at (its last item's log time); absent: ctx.now. */
  timeOf: (graphId: IdentityKey) => number | undefined = () => undefined,
): NonNullable<ReadModelBatch['computed']> {
  const values = (profiles.upsert ?? []).map((p) => {
    const at = timeOf(p.graphId);
    return computeGraph(computed, at === undefined ? ctx : { ...ctx, now: at }, p.graphId, scope.graph.members.get(p.graphId) ?? []);
  });
  const states = [...computed.changed].map((key) => ({ primaryKey: key, doc: packState(computed.states.get(key)!) }));
  computed.changed.clear();
  return { states: { upsert: states }, values: { upsert: values, delete: profiles.delete ?? [] } };
}

function storedFragment(fragment: Fragment): StoredFragment {
  return { source: fragment.source, primaryKey: fragment.primaryKey, doc: fragment };
}

/** Every graph in the scope gets its profile recomputed; graphs that existed before and are gone get deleted. */
export function profilesOf(scope: LoadedScope, ctx: ProjectionContext, only?: ReadonlySet<IdentityKey>): NonNullable<ReadModelBatch['profiles']> {
  const upsert: ProfileRecord[] = [];
  const remove: IdentityKey[] = [];
  const fragmentsByPrimary = groupFragments(scope.fragments.values());
  for (const [graphId, members] of scope.graph.members) {
    if (members.size === 0 || (only && !only.has(graphId))) continue;
    const profile = profileOfGraph(scope, ctx, graphId, fragmentsByPrimary);
    if (profile) upsert.push(profile);
    else remove.push(graphId);
  }
  const live = new Set(upsert.map((p) => p.graphId));
  const removed = new Set(remove);
  for (const graphId of scope.graphsBefore) {
    if (!live.has(graphId) && !removed.has(graphId) && (!only || only.has(graphId))) remove.push(graphId);
  }
  return { upsert, delete: remove };
}

/** A graph's profile as the scope holds it; undefined when it has none (or no identity is left in it). */
function profileOfGraph(scope: LoadedScope, ctx: ProjectionContext, graphId: IdentityKey, fragmentsByPrimary: FragmentsByPrimary): ProfileRecord | undefined {
  const members = scope.graph.members.get(graphId);
  if (!members || members.size === 0) return undefined;
  return profileRecordFor(graphId, [...members].map((k) => scope.graph.nodes.get(k)!), fragmentsByPrimary, scope.stats, ctx);
}

function groupFragments(fragments: Iterable<Fragment>): Map<IdentityKey, Fragment[]> {
  const byPrimary = new Map<IdentityKey, Fragment[]>();
  for (const f of fragments) {
    const list = byPrimary.get(f.primaryKey);
    if (list) list.push(f);
    else byPrimary.set(f.primaryKey, [f]);
  }
  return byPrimary;
}

/** The fragments of each primary identity: a map of them, or an index that looks them up. */
export type FragmentsByPrimary = Pick<ReadonlyMap<IdentityKey, readonly Fragment[]>, 'get'>;

/**
 * A graph has a profile when it joins two or more identities, or when its lone identity has records or events
 * (DESIGN.md: "an identity alone still has a profile if it has records or events").
 */
export function profileRecordFor(
  graphId: IdentityKey,
  nodes: readonly IdentityNode[],
  fragmentsByPrimary: FragmentsByPrimary,
  stats: ReadonlyMap<IdentityKey, PrimaryStats>,
  ctx: Omit<ProjectionContext, 'rejected'>,
  policy?: AttributeMerge,
): ProfileRecord | undefined {
  const fragments = nodes.flatMap((n) => fragmentsByPrimary.get(n.key) ?? []);
  const nodeStats = nodes.map((n) => stats.get(n.key)).filter((s): s is PrimaryStats => s !== undefined);
  const count = nodeStats.reduce((sum, s) => sum + s.count, 0);
  if (nodes.length < 2 && fragments.length === 0 && count === 0) return undefined;
  const lastAt = count === 0 ? null : Math.max(...nodeStats.map((s) => s.lastEventAt));
  const profile = buildProfile({
    identities: nodes,
    fragments,
    events: { count, firstAt: null, lastAt },
    settings: ctx.settings,
    policy,
  });
  return {
    graphId,
    doc: { profileId: ctx.profileIdOf(graphId), graphId, ...profile },
    createdAt: profile.createdAt ? Date.parse(profile.createdAt) : 0,
    updatedAt: profile.updatedAt ? Date.parse(profile.updatedAt) : 0,
  };
}
