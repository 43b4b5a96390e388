import { identityKey, linkKey, type IdentityRef, type IdentitySettings } from '../model';
import { newChangeLog } from './change-log';
import { enforceCap } from './graph-cap';
import type { ItemOutcome } from './graph-item';
import { graphMembers, type GraphState } from './graph-state';
import { graphsOfKnown, outcomeOf } from './outcome';
import { rebuildAffected } from './rebuild';
import { settingsView } from './settings-view';

export interface LinkRejection {
  /** The log event id of the rejection: named as the item that removed the link. */
  itemId: string;
  source: string;
  timestamp: number;
  from: IdentityRef;
  to: IdentityRef;
}

/**
 * An operator declared a link wrong: when it is active, its graph is rebuilt by the step-4 rules without it (and
 * without any other rejected pair). `rejected` must already hold this pair. Load scope: as for an item holding
 * `from` and `to`.
 */
export function applyRejection(
  state: GraphState,
  settings: IdentitySettings,
  rejection: LinkRejection,
  rejected: ReadonlySet<string>,
): ItemOutcome {
  const keys = [identityKey(rejection.from), identityKey(rejection.to)];
  const item = { ...rejection, identities: [rejection.from, rejection.to] };
  const log = newChangeLog(item);
  const before = graphsOfKnown(state, keys);
  const link = state.links.get(linkKey(keys[0], keys[1]));
  if (!link || link.status === 'removed') return outcomeOf(state, log, before, []);
  const view = settingsView(settings);
  const affected = new Set(graphMembers(state, state.nodes.get(link.a)!.graphId));
  rebuildAffected(state, view, affected, [], rejected, log);
  enforceCap(state, view, new Set([...affected].map((k) => state.nodes.get(k)!.graphId)), log);
  return outcomeOf(state, log, before, []);
}
