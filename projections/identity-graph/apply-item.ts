import { identityKey, linkKey, type IdentityKey, type IdentityRef, type IdentitySettings, type LinkState } from '../model';
import { newChangeLog, type ChangeLog } from './change-log';
import { enforceCap } from './graph-cap';
import type { GraphItem, ItemOutcome } from './graph-item';
import { createGraphState, graphMembers, type GraphState } from './graph-state';
import { activateLink, observeLink } from './link-ops';
import { moveNode, touchNode } from './node-ops';
import { graphsOfKnown, outcomeOf, rejectedOutcome } from './outcome';
import { rebuildAffected } from './rebuild';
import { settingsView, type SettingsView } from './settings-view';
import { uniqueConflict } from './unique-groups';

const NO_REJECTIONS: ReadonlySet<string> = new Set();

interface ItemIdentity {
  ref: IdentityRef;
  key: IdentityKey;
  linked: boolean;
}

/**
 * Applies one item to the graph (DESIGN.md "The identity graph", steps 1-5), touching only the item's graphs.
 * `rejected` holds link keys (model linkKey) operators declared wrong: observations of those pairs are ignored.
 * Mutates `state` in place; the outcome names every record it changed.
 */
export function applyItem(
  state: GraphState,
  settings: IdentitySettings,
  item: GraphItem,
  rejected: ReadonlySet<string> = NO_REJECTIONS,
): ItemOutcome {
  const view = settingsView(settings);
  const identities = itemIdentities(item);
  const conflict = uniqueConflict(view, identities.map((i) => i.ref));
  if (conflict !== undefined) return rejectedOutcome(item, conflict);
  const keys = identities.map((i) => i.key);
  const log = newChangeLog(item);
  const before = graphsOfKnown(state, keys);
  for (const identity of identities) touchNode(state, identity.ref, identity.key, log);
  const itemLinks = observePairs(state, identities, rejected, log);
  if (itemLinks.length > 0) linkOrRebuild(state, view, keys, itemLinks, rejected, log);
  return outcomeOf(state, log, before, keys);
}

/** Applies items in order; one outcome per item. */
export function applyItems(
  state: GraphState,
  settings: IdentitySettings,
  items: Iterable<GraphItem>,
  rejected: ReadonlySet<string> = NO_REJECTIONS,
): ItemOutcome[] {
  const outcomes: ItemOutcome[] = [];
  for (const item of items) outcomes.push(applyItem(state, settings, item, rejected));
  return outcomes;
}

/** The graph built from scratch by folding items in order. */
export function foldItems(
  settings: IdentitySettings,
  items: Iterable<GraphItem>,
  rejected: ReadonlySet<string> = NO_REJECTIONS,
): GraphState {
  const state = createGraphState();
  applyItems(state, settings, items, rejected);
  return state;
}

/** The item's distinct identities; an identity listed in `unlinked` is one of them but links nothing. */
function itemIdentities(item: GraphItem): ItemIdentity[] {
  const unlinked = new Set((item.unlinked ?? []).map(identityKey));
  const byKey = new Map<IdentityKey, ItemIdentity>();
  for (const ref of [...item.identities, ...(item.unlinked ?? [])]) {
    const key = identityKey(ref);
    if (!byKey.has(key)) byKey.set(key, { ref, key, linked: !unlinked.has(key) });
  }
  return [...byKey.values()];
}

function observePairs(
  state: GraphState,
  identities: readonly ItemIdentity[],
  rejected: ReadonlySet<string>,
  log: ChangeLog,
): LinkState[] {
  const linked = identities.filter((i) => i.linked).map((i) => i.key);
  const links: LinkState[] = [];
  for (let i = 0; i < linked.length; i++) {
    for (let j = i + 1; j < linked.length; j++) {
      if (!rejected.has(linkKey(linked[i], linked[j]))) links.push(observeLink(state, linked[i], linked[j], log));
    }
  }
  return links;
}

/**
 * Step 3 when the graphs the item's links join hold no unique namespace twice; step 4 otherwise. Identities the item
 * holds but does not link (unlinked, or only through rejected pairs) join no graph, so only joined graphs are judged.
 */
function linkOrRebuild(
  state: GraphState,
  view: SettingsView,
  keys: readonly IdentityKey[],
  itemLinks: readonly LinkState[],
  rejected: ReadonlySet<string>,
  log: ChangeLog,
): void {
  const groups = joinedGraphs(state, itemLinks);
  const conflict = groups.some((graphIds) =>
    uniqueConflict(view, graphIds.flatMap((g) => [...graphMembers(state, g)].map((k) => state.nodes.get(k)!))),
  );
  if (!conflict) {
    for (const link of itemLinks) activateLink(state, link, log);
    enforceCap(state, view, groups.map((graphIds) => mergeGraphs(state, graphIds, log)), log);
    return;
  }
  const affected = new Set([...graphsOf(state, keys)].flatMap((g) => [...graphMembers(state, g)]));
  rebuildAffected(state, view, affected, itemLinks, rejected, log);
  enforceCap(state, view, graphsOf(state, affected), log);
}

/** The graphs the item's links put together, grouped: one group unless rejected pairs cut the item in parts. */
function joinedGraphs(state: GraphState, itemLinks: readonly LinkState[]): IdentityKey[][] {
  const parent = new Map<IdentityKey, IdentityKey>();
  const find = (g: IdentityKey): IdentityKey => {
    while (parent.get(g) !== g) g = parent.get(g)!;
    return g;
  };
  for (const link of itemLinks) {
    const [ga, gb] = [state.nodes.get(link.a)!.graphId, state.nodes.get(link.b)!.graphId];
    if (!parent.has(ga)) parent.set(ga, ga);
    if (!parent.has(gb)) parent.set(gb, gb);
    parent.set(find(ga), find(gb));
  }
  const groups = new Map<IdentityKey, IdentityKey[]>();
  for (const graphId of parent.keys()) {
    const root = find(graphId);
    groups.set(root, [...(groups.get(root) ?? []), graphId]);
  }
  return [...groups.values()];
}

function graphsOf(state: GraphState, keys: Iterable<IdentityKey>): Set<IdentityKey> {
  const graphIds = new Set<IdentityKey>();
  for (const key of keys) graphIds.add(state.nodes.get(key)!.graphId);
  return graphIds;
}

function mergeGraphs(state: GraphState, graphIds: readonly IdentityKey[], log: ChangeLog): IdentityKey {
  let target = graphIds[0];
  for (const graphId of graphIds) if (graphId < target) target = graphId;
  for (const graphId of graphIds) {
    if (graphId === target) continue;
    for (const key of [...graphMembers(state, graphId)]) {
      moveNode(state, state.nodes.get(key)!, target, log);
    }
  }
  return target;
}
