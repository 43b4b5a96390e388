import type { IdentityKey, LinkState } from '../model';
import { linkKey } from '../model';
import type { ChangeLog } from './change-log';
import { REMOVAL_REASONS } from './graph-item';
import type { GraphState } from './graph-state';
import { activateLink, removeLink } from './link-ops';
import { assignGraph } from './node-ops';
import type { SettingsView } from './settings-view';
import { UniqueGroups } from './unique-groups';

/**
 * Step 4: rebuild the affected set from scratch. The item's own links go in first; then every other link between
 * two affected identities, active or removed earlier, by rank sum ascending, last-seen descending, then the two
 * keys; a link that would put two values of a unique namespace in one group is skipped and becomes removed by
 * this item. A rejected pair never comes back.
 */
export function rebuildAffected(
  state: GraphState,
  view: SettingsView,
  affected: ReadonlySet<IdentityKey>,
  itemLinks: readonly LinkState[],
  rejected: ReadonlySet<string>,
  log: ChangeLog,
): void {
  log.rebuilt = true;
  const groups = new UniqueGroups(state, view, affected);
  const own = new Set<string>();
  for (const link of itemLinks) {
    groups.tryUnion(link.a, link.b);
    activateLink(state, link, log);
    own.add(link.key);
  }
  for (const link of candidateLinks(state, view, affected, own)) {
    if (rejected.has(link.key)) removeLink(state, link, REMOVAL_REASONS.rejected, log);
    else if (groups.tryUnion(link.a, link.b)) activateLink(state, link, log);
    else removeLink(state, link, REMOVAL_REASONS.uniqueConflict, log);
  }
  for (const group of groups.groups()) assignGraph(state, group, log);
}

/** Links with both ends affected, in rebuild order. */
function candidateLinks(
  state: GraphState,
  view: SettingsView,
  affected: ReadonlySet<IdentityKey>,
  own: ReadonlySet<string>,
): LinkState[] {
  const found = new Set<string>();
  for (const key of affected) collectLinksAmong(state, key, affected, found);
  const links: { link: LinkState; rankSum: number }[] = [];
  for (const key of found) {
    if (own.has(key)) continue;
    const link = state.links.get(key)!;
    const rankSum = view.rank(state.nodes.get(link.a)!.namespace) + view.rank(state.nodes.get(link.b)!.namespace);
    links.push({ link, rankSum });
  }
  links.sort((x, y) => x.rankSum - y.rankSum || y.link.lastSeen - x.link.lastSeen || compareEnds(x.link, y.link));
  return links.map((x) => x.link);
}

/**
 * A hot identity (a shared call-centre phone) gathers removed links without bound; when its links outnumber the
 * affected set, asking for each possible pair keeps the cost bounded by the affected set instead.
 */
function collectLinksAmong(state: GraphState, key: IdentityKey, affected: ReadonlySet<IdentityKey>, out: Set<string>) {
  const own = state.linksByNode.get(key);
  if (!own) return;
  if (own.length <= affected.size) {
    for (const lk of own) {
      const link = state.links.get(lk)!;
      if (affected.has(link.a === key ? link.b : link.a)) out.add(lk);
    }
    return;
  }
  for (const other of affected) {
    const lk = linkKey(key, other);
    if (other !== key && state.links.has(lk)) out.add(lk);
  }
}

function compareEnds(x: LinkState, y: LinkState): number {
  if (x.a !== y.a) return x.a < y.a ? -1 : 1;
  if (x.b !== y.b) return x.b < y.b ? -1 : 1;
  return 0;
}
