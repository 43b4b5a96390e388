import { applyItem, type GraphItem, type GraphState } from '../../projections/identity-graph';
import { identityKey, type IdentityKey, type IdentityNode, type IdentitySettings } from '../../projections/model';
import { applyRecordToFragment, buildProfile, type AttributeMerge, type Fragment } from '../../projections/unified-profile';
import { computeGraph, foldComputedEvent, packState, type ComputedContext, type ComputedScope } from '../../projections/computed-attributes';
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
import { graphItemOf, profileRecordOf, timelineEventOf } from './log-items';

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
  /** The computed-attribute definitions in force and the batch's clock; absent: none defined. */
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
  const touchedNodes = new Set<IdentityKey>();
  const touchedLinks = new Set<string>();
  const changedFragments = new Set<string>();
  const timeline: TimelineEvent[] = [];
  const feed = new BatchChangeFeed(scope, ctx.profileIdOf, fragmentKey);
  const computedFeed = scope.computed && ctx.computed ? new BatchComputedChanges({ ...scope, computed: scope.computed }, ctx.computed, ctx.profileIdOf) : undefined;
  const itemIndex: ItemIndexEntry[] = [];
  for (const decoded of events) {
    let counted = false;
    const mark = feed.before(decoded);
    const item = graphItemOf(decoded);
    if (item) {
      itemIndex.push(...indexRowsOf(decoded, item));
      const outcome = applyItem(scope.graph, ctx.settings, item, ctx.rejected);
      outcome.touchedNodes.forEach((k) => touchedNodes.add(k));
      outcome.touchedLinks.forEach((k) => touchedLinks.add(k));
    }
    const record = profileRecordOf(decoded);
    if (record) {
      const key = fragmentKey(record.source, record.primaryKey);
      scope.fragments.set(key, applyRecordToFragment(scope.fragments.get(key), record));
      changedFragments.add(key);
    }
    const event = timelineEventOf(decoded);
    if (event) {
      timeline.push(event);
      countEvent(scope.stats, event);
      if (scope.computed && ctx.computed) counted = foldComputedEvent(scope.computed, ctx.computed, event.primaryKey, computedEventOf(event));
    }
    const touched = feed.after(mark, decoded);
    if (computedFeed) feed.contribute(mark.cause, computedFeed.after(touched.graphIds, counted || touched.movedIdentities));
  }
  const profiles = profilesOf(scope, ctx);
  return {
    nodes: { upsert: [...touchedNodes].map((k) => ({ ...scope.graph.nodes.get(k)! })) },
    links: { upsert: [...touchedLinks].map((k) => ({ ...scope.graph.links.get(k)! })) },
    fragments: { upsert: [...changedFragments].map((k) => storedFragment(scope.fragments.get(k)!)) },
    profiles,
    events: timeline,
    itemIndex,
    ...(scope.computed && ctx.computed ? { computed: computedWritesOf(scope, scope.computed, ctx.computed, profiles) } : {}),
    changes: feed.items,
  };
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
): NonNullable<ReadModelBatch['computed']> {
  const values = (profiles.upsert ?? []).map((p) => computeGraph(computed, ctx, p.graphId, scope.graph.members.get(p.graphId) ?? []));
  const states = [...computed.changed].map((key) => ({ primaryKey: key, doc: packState(computed.states.get(key)!) }));
  computed.changed.clear();
  return { states: { upsert: states }, values: { upsert: values, delete: profiles.delete ?? [] } };
}

function storedFragment(fragment: Fragment): StoredFragment {
  return { source: fragment.source, primaryKey: fragment.primaryKey, doc: fragment };
}

/** Every graph in the scope gets its profile recomputed; graphs that existed before and are gone get deleted. */
export function profilesOf(scope: LoadedScope, ctx: ProjectionContext): NonNullable<ReadModelBatch['profiles']> {
  const upsert: ProfileRecord[] = [];
  const remove: IdentityKey[] = [];
  const fragmentsByPrimary = groupFragments(scope.fragments.values());
  for (const [graphId, members] of scope.graph.members) {
    if (members.size === 0) continue;
    const nodes = [...members].map((k) => scope.graph.nodes.get(k)!);
    const profile = profileRecordFor(graphId, nodes, fragmentsByPrimary, scope.stats, ctx);
    if (profile) upsert.push(profile);
    else remove.push(graphId);
  }
  const live = new Set(upsert.map((p) => p.graphId));
  for (const graphId of scope.graphsBefore) if (!live.has(graphId) && !remove.includes(graphId)) remove.push(graphId);
  return { upsert, delete: remove };
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

/**
 * A graph has a profile when it joins two or more identities, or when its lone identity has records or events
 * (DESIGN.md: "an identity alone still has a profile if it has records or events").
 */
export function profileRecordFor(
  graphId: IdentityKey,
  nodes: readonly IdentityNode[],
  fragmentsByPrimary: ReadonlyMap<IdentityKey, Fragment[]>,
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
