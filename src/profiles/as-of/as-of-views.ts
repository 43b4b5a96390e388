import type { IdentityKey } from '../../../projections/model';
import type { Fragment } from '../../../projections/unified-profile';
import type { MergePolicy } from '../../merge-policies';
import { profileRecordFor, timelineEventOf } from '../../read-models';
import { assertEventsQuery, compareEvents, decodeEventsCursor, toEventsPage } from '../../read-store';
import type { EventsQuery, Page, ProfileDoc, TimelineEvent } from '../../read-store/read-store.port';
import type { AsOfSnapshot } from './as-of-snapshot';

/** The subject's graph members in the snapshot (at least the subject itself). */
export function snapshotMembers(snapshot: AsOfSnapshot): IdentityKey[] {
  return [...(snapshot.scope.graph.members.get(snapshot.node!.graphId) ?? [snapshot.subject])];
}

/** The profile document under a merge policy, as the live read (stored or computed on read) would build it. */
export function snapshotProfile(snapshot: AsOfSnapshot, policy: MergePolicy): ProfileDoc | undefined {
  const { graph, fragments, stats } = snapshot.scope;
  const stitched = policy.identityStitching === 'graph';
  const keys = stitched ? snapshotMembers(snapshot) : [snapshot.subject];
  const byPrimary = new Map<IdentityKey, Fragment[]>();
  for (const f of fragments.values()) {
    if (keys.includes(f.primaryKey)) byPrimary.set(f.primaryKey, [...(byPrimary.get(f.primaryKey) ?? []), f]);
  }
  if (!stitched && byPrimary.size === 0) return undefined;
  const nodes = keys.map((k) => graph.nodes.get(k)!);
  const graphId = stitched ? snapshot.node!.graphId : snapshot.subject;
  return profileRecordFor(graphId, nodes, byPrimary, stats, snapshot.ctx, policy.attributeMerge)?.doc;
}

/**
 * The timeline as of the snapshot: the closure's experience events whose primary identity is in the graph then.
 * Every such event holds its primary identity, so the closure holds it: no timeline index is needed. Pages and
 * cursors are the live timeline's.
 */
export function snapshotEvents(snapshot: AsOfSnapshot, query: Omit<EventsQuery, 'primaryKeys'>): Page<TimelineEvent> {
  const full: EventsQuery = { ...query, primaryKeys: snapshotMembers(snapshot) };
  assertEventsQuery(full);
  const members = new Set(full.primaryKeys);
  const types = query.types && query.types.length > 0 ? new Set(query.types) : undefined;
  const order = compareEvents(query.order);
  const after = decodeEventsCursor(full);
  const events = snapshot.items
    .map(timelineEventOf)
    .filter((e): e is TimelineEvent => e !== undefined && members.has(e.primaryKey))
    .filter((e) => (query.from === undefined || e.timestamp >= query.from) && (query.to === undefined || e.timestamp < query.to))
    .filter((e) => types === undefined || types.has(e.type))
    .filter((e) => after === undefined || order(e, after) > 0)
    .sort(order);
  return toEventsPage(events.slice(0, query.limit + 1), full);
}

/**
 * The subject's profile as the projector held it at the snapshot's moment (graph stitching, the built-in attribute
 * merge: the document conditions read), its graph members then and the experience events of those members, oldest
 * first. What a read that re-evaluates a condition as of a moment needs (audience explain).
 */
export function snapshotStoredProfile(snapshot: AsOfSnapshot): { doc: ProfileDoc; members: IdentityKey[]; events: TimelineEvent[] } | undefined {
  const { graph, fragments, stats } = snapshot.scope;
  const members = snapshotMembers(snapshot);
  const byPrimary = new Map<IdentityKey, Fragment[]>();
  for (const f of fragments.values()) if (members.includes(f.primaryKey)) byPrimary.set(f.primaryKey, [...(byPrimary.get(f.primaryKey) ?? []), f]);
  const nodes = members.map((k) => graph.nodes.get(k)!);
  const doc = profileRecordFor(snapshot.node!.graphId, nodes, byPrimary, stats, snapshot.ctx)?.doc;
  if (!doc) return undefined;
  const inGraph = new Set(members);
  const events = snapshot.items
    .map(timelineEventOf)
    .filter((e): e is TimelineEvent => e !== undefined && inGraph.has(e.primaryKey))
    .sort(compareEvents('asc'));
  return { doc, members, events };
}
