import {
  canonicalJson,
  numberChanges,
  ProfileChangeTracker,
  type BeforeItem,
  type ChangeCause,
  type ChangeDraft,
  type ChangeItem,
  type ProfileSnapshot,
} from '../../projections/change-feed';
import type { GraphState } from '../../projections/identity-graph';
import { identityKey, type IdentityKey, type IdentityRef } from '../../projections/model';
import type { Fragment } from '../../projections/unified-profile';
import type { DecodedEvent } from '../events';
import { positionKey } from '../read-store';
import type { LogItemParts } from './log-items';

/** The part of the batch's loaded scope the feed reads (project-batch.ts LoadedScope fits). */
export interface FeedScope {
  graph: GraphState;
  fragments: ReadonlyMap<string, Fragment>;
  stats: ReadonlyMap<IdentityKey, { count: number }>;
}

/** What `before` noted about one log item: the graphs it could change, their identities, and its cause. */
export interface FeedMark {
  cause: ChangeCause;
  keys: IdentityKey[];
  before: BeforeItem;
  members: IdentityKey[];
  mayChangeAttributes: boolean;
}

/**
 * The change feed of one batch, followed item by item over the projection's own scope (projections/change-feed):
 * `before(decoded)` ahead of folding an item, `after(mark)` once it is folded. Other projections add their items
 * for the same log entry with `contribute`; every entry's items are numbered in the order they were added.
 */
export class BatchChangeFeed {
  /** The items added since the last take(). */
  items: ChangeItem[] = [];
  private readonly tracker: ProfileChangeTracker;
  private readonly fragmentKeys = new Map<IdentityKey, Set<string>>();
  private readonly ordinals = new Map<string, number>();

  constructor(
    private readonly scope: FeedScope,
    profileIdOf: (graphId: IdentityKey) => string,
    private readonly fragmentKey: (source: string, primaryKey: IdentityKey) => string,
  ) {
    for (const [key, fragment] of scope.fragments) this.indexFragment(fragment.primaryKey, key);
    this.tracker = new ProfileChangeTracker({
      members: (graphId) => scope.graph.members.get(graphId),
      fragmentsOf: (primaryKey) => this.fragmentsOf(primaryKey),
      eventCount: (primaryKey) => scope.stats.get(primaryKey)?.count ?? 0,
      profileIdOf,
    });
  }

  before(decoded: DecodedEvent, { item, record, event }: LogItemParts): FeedMark {
    const keys = new Set<IdentityKey>([...(item?.identities ?? []), ...(item?.unlinked ?? [])].map(identityKey));
    if (record) keys.add(record.primaryKey);
    if (event) keys.add(event.primaryKey);
    const graphIds = new Set([...keys].map((k) => this.graphOf(k)));
    const members = [...graphIds].flatMap((g) => [...(this.scope.graph.members.get(g) ?? [])]);
    const cause = { key: positionKey(decoded.position), at: decoded.recordedAt.getTime() };
    return { cause, keys: [...keys], before: this.tracker.before(graphIds), members, mayChangeAttributes: record !== undefined };
  }

  /**
   * The item (the parts `before` was given) is folded: its fragments are in the scope (a record may have added one)
   * and the graph is updated. Answers the graphs it could have changed and whether it moved identities between
   * profiles (what the computed-value items need to know).
   */
  after(mark: FeedMark, { record }: LogItemParts): { graphIds: Set<IdentityKey>; movedIdentities: boolean } {
    if (record) this.indexFragment(record.primaryKey, this.fragmentKey(record.source, record.primaryKey));
    const graphIds = new Set([...mark.keys, ...mark.members].map((k) => this.graphOf(k)));
    const drafts = this.tracker.after(mark.before, graphIds, mark.mayChangeAttributes);
    this.contribute(mark.cause, drafts);
    return { graphIds, movedIdentities: drafts.some(movesIdentities) };
  }

  /**
   * The items so far, for one part's writes; the feed goes on over the same scope for the next part (the projector
   * carries a window's scope from part to part): its snapshots are that scope's as the last item left it, so the next
   * part's items are those a feed of its own would give, without snapshotting again the graphs it comes back to.
   */
  take(): ChangeItem[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  /** Adds items caused by one log entry (or one moment), numbered after those it already has. */
  contribute(cause: ChangeCause, drafts: readonly ChangeDraft[]): void {
    if (drafts.length === 0) return;
    const first = this.ordinals.get(cause.key) ?? 0;
    this.items.push(...numberChanges(cause, drafts, first));
    this.ordinals.set(cause.key, first + drafts.length);
  }

  /** The scope's fragments of one primary identity as they stand now, from the feed's index (no scan of the scope). */
  fragmentsOf(primaryKey: IdentityKey): Fragment[] {
    return [...(this.fragmentKeys.get(primaryKey) ?? [])].map((k) => this.scope.fragments.get(k)!).filter(isFragment);
  }

  private graphOf(key: IdentityKey): IdentityKey {
    return this.scope.graph.nodes.get(key)?.graphId ?? key;
  }

  private indexFragment(primaryKey: IdentityKey, key: string): void {
    const keys = this.fragmentKeys.get(primaryKey);
    if (keys) keys.add(key);
    else this.fragmentKeys.set(primaryKey, new Set([key]));
  }
}

/** A transition after which some profile holds other identities than before (so other events count for it). */
function movesIdentities(draft: ChangeDraft): boolean {
  return draft.type !== 'profile.updated' || (draft.changed ?? []).includes('identities');
}

function isFragment(f: Fragment | undefined): f is Fragment {
  return f !== undefined;
}

/** A stored (or just recomputed) profile record as the feed compares it: its identities and merged attributes. */
export function snapshotOfStoredProfile(record: { graphId: IdentityKey; doc: object }): ProfileSnapshot {
  const doc = record.doc as { profileId: string; identities?: IdentityRef[]; attributes?: unknown };
  return {
    graphId: record.graphId,
    profileId: doc.profileId,
    members: (doc.identities ?? []).map(identityKey).sort(),
    attributes: canonicalJson(doc.attributes ?? {}),
  };
}
