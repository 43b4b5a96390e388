import {
  buildDefinitions,
  computeGraph,
  computedScopeOf,
  emptyPrimaryState,
  unbuiltDefinitions,
  type CompiledDefinition,
  type ComputedContext,
  type ComputedScope,
  packState,
  unpackState,
} from '../../../projections/computed-attributes';
import type { IdentityKey, IdentityNode } from '../../../projections/model';
import type { ComputedWrites, ReadStore } from '../../read-store/read-store.port';
import { timelinesOf } from './timelines';

/**
 * The window-engine states of these primary identities, loaded, with every definition still backfilling built from
 * the timeline where a state lacks it (so a live item or a lapse never works on a partial state). Definitions whose
 * backfill is done need no build: a state without them means no event of the identity ever matched.
 */
export async function loadStates(
  store: ReadStore,
  keys: string[],
  ctx: ComputedContext,
  backfilling: readonly CompiledDefinition[],
): Promise<ComputedScope> {
  const stored = await store.getComputedStates(keys);
  const scope = computedScopeOf(stored.map((r) => [r.primaryKey, unpackState(r.doc)]));
  if (backfilling.length === 0) return scope;
  const unbuilt = keys.filter((k) => unbuiltDefinitions(scope.states.get(k), backfilling).length > 0);
  const timelines = await timelinesOf(store, unbuilt);
  for (const key of unbuilt) {
    let state = scope.states.get(key);
    if (!state) scope.states.set(key, (state = emptyPrimaryState(ctx.now)));
    buildDefinitions(state, unbuiltDefinitions(state, backfilling), timelines.get(key) ?? []);
    scope.changed.add(key);
  }
  return scope;
}

/** The members of some graphs: as stored, or as a batch not committed yet will leave them (a re-derivation). */
export type NodesOfGraphs = (graphIds: IdentityKey[]) => Promise<IdentityNode[]>;

/**
 * Recomputes the values of whole graphs at ctx.now (a lapse falling due, a backfill step, a re-derivation): their
 * members' states advanced and built, the values and next due time per graph; a graph that no longer exists loses
 * its row.
 */
export async function refreshGraphs(
  store: ReadStore,
  graphIds: string[],
  ctx: ComputedContext,
  backfilling: readonly CompiledDefinition[],
  nodesOf: NodesOfGraphs = (ids) => store.getNodesOfGraphs(ids),
): Promise<ComputedWrites> {
  const nodes = await nodesOf(graphIds);
  const members = new Map<string, string[]>(graphIds.map((g) => [g, []]));
  for (const n of nodes) members.get(n.graphId)?.push(n.key);
  const scope = await loadStates(store, nodes.map((n) => n.key), ctx, backfilling);
  const live = graphIds.filter((g) => members.get(g)!.length > 0);
  const values = live.map((g) => computeGraph(scope, ctx, g, members.get(g)!));
  const states = [...scope.changed].map((key) => ({ primaryKey: key, doc: packState(scope.states.get(key)!) }));
  return { states: { upsert: states }, values: { upsert: values, delete: graphIds.filter((g) => members.get(g)!.length === 0) } };
}
