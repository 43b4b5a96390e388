import type { IdentityKey, IdentityRef } from '../model';

/** What the identity graph needs of a record, event or link from the log. */
export interface GraphItem {
  /** The removing/creating item named in link records: the projector passes the log event id. */
  itemId: string;
  source: string;
  /** Epoch ms: when the source observed the identities together. */
  timestamp: number;
  /** Normalised identities (normalise.ts); an item with one identity links nothing but still records its node. */
  identities: IdentityRef[];
  /** Identities of the item left out of its links (ingestion's fan-out guard); they still become nodes. */
  unlinked?: IdentityRef[];
}

/** Why a link stopped being active: the stable codes read models and the history API show. */
export const REMOVAL_REASONS = {
  uniqueConflict: 'UNIQUE_NAMESPACE_CONFLICT',
  graphCap: 'GRAPH_CAP',
  rejected: 'LINK_REJECTED',
} as const;

export type RemovalReason = (typeof REMOVAL_REASONS)[keyof typeof REMOVAL_REASONS];

export interface RemovedLinkChange {
  key: string;
  reason: RemovalReason;
}

export interface GraphMerge {
  /** The graph after the item. */
  graphId: IdentityKey;
  /** The graphs (that existed before the item) it now holds. */
  from: IdentityKey[];
}

export interface GraphSplit {
  /** The graph before the item. */
  graphId: IdentityKey;
  /** The graphs its identities are in now. */
  into: IdentityKey[];
}

export interface ItemRejection {
  code: 'UNIQUE_NAMESPACE_CONFLICT';
  namespace: string;
  reason: string;
}

/** Everything one item changed, so the projector writes exactly these records and recomputes these profiles. */
export interface ItemOutcome {
  itemId: string;
  status: 'applied' | 'rejected';
  /** Set when rule 1 rejected the item: nothing changed. */
  rejection?: ItemRejection;
  /** True when step 4 rebuilt the affected set. */
  rebuilt: boolean;
  /** Nodes created or changed (times, graphId): read them from the state. Sorted. */
  touchedNodes: IdentityKey[];
  /** Links created or changed (times, sources, status). Sorted. */
  touchedLinks: string[];
  /** Links this item observed for the first time. */
  addedLinks: string[];
  /** Links this item made removed, with why. */
  removedLinks: RemovedLinkChange[];
  /** Links removed earlier that this item made active again. */
  restoredLinks: string[];
  /** Identities evicted from their graph by the cap, in eviction order. */
  evicted: IdentityKey[];
  /** The item's graphs before (existing identities only) and the graphs of the same identities after. Sorted. */
  graphsBefore: IdentityKey[];
  graphsAfter: IdentityKey[];
  merges: GraphMerge[];
  splits: GraphSplit[];
}
