import type { IdentityKey } from '../model';
import type { GraphItem, RemovalReason } from './graph-item';

/** What the fold writes down while it applies one item; turned into the ItemOutcome at the end. */
export interface ChangeLog {
  readonly item: GraphItem;
  readonly nodes: Set<IdentityKey>;
  /** Nodes this item created. */
  readonly created: Set<IdentityKey>;
  /** The graph each moved node was in before the item (recorded at its first move). */
  readonly movedFrom: Map<IdentityKey, IdentityKey>;
  readonly links: Set<string>;
  readonly added: Set<string>;
  readonly removed: Map<string, RemovalReason>;
  readonly restored: Set<string>;
  readonly evicted: IdentityKey[];
  rebuilt: boolean;
}

export function newChangeLog(item: GraphItem): ChangeLog {
  return {
    item,
    nodes: new Set(),
    created: new Set(),
    movedFrom: new Map(),
    links: new Set(),
    added: new Set(),
    removed: new Map(),
    restored: new Set(),
    evicted: [],
    rebuilt: false,
  };
}
