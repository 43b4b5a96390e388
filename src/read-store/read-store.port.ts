import type { IdentityKey, IdentityNode, IdentityRef, LinkState } from '../../projections/model';
import type { Fragment as FragmentDoc, UnifiedProfile } from '../../projections/unified-profile';
import type { Position } from '../event-store';
import type { ChangeItem, ChangeType, TimedDraft } from '../../projections/change-feed';
import type { LeaseGrant, LeaseRequest, LeaseState } from './projector-lease';

/**
 * The read models, as the projector writes them and the query handlers read them. Two adapters implement it
 * (sqlite, mongodb) and one contract suite (test/contract/read-store.contract.ts) holds both to these promises:
 * - `commit` applies a whole batch and then the projector's checkpoint; a batch at or before that projector's
 *   checkpoint is ignored whole. SQLite does it in one transaction; MongoDB cannot, and writes document by document.
 * - Both stamp every stored row or document with the position of the batch that last wrote it, and a batch only
 *   replaces what an older batch wrote (deletes: an older or the same batch). So re-applying a batch after a crash
 *   between its writes and its checkpoint changes nothing, and an older batch never undoes a newer one's writes
 *   (one exception: it can re-create a document a newer batch deleted; replays run in log order, so the newer
 *   batch deletes it again).
 * - Documents (`doc` fields) are JSON the store keeps as given: the projections own their shapes (typed below, so
 *   no caller casts), the store only keys and indexes them. Identity keys are used as database keys here;
 *   adapters never log them.
 * - Times are epoch milliseconds.
 */
export type JsonDocument = Record<string, unknown>;

/** The record fragment one source holds for one primary identity (per-leaf timestamps live inside `doc`). */
export interface FragmentKey {
  source: string;
  primaryKey: IdentityKey;
}

export interface Fragment extends FragmentKey {
  /** The fold's fragment (projections/unified-profile), stored whole. */
  doc: FragmentDoc;
}

/** A stored profile: the unified profile, its public id, and its graph id (a raw value the API never shows). */
export type ProfileDoc = UnifiedProfile & { profileId: string; graphId: IdentityKey };

/** The unified profile of one graph, for the default merge policy, plus what browsing sorts and shows. */
export interface ProfileRecord {
  graphId: IdentityKey;
  doc: ProfileDoc;
  createdAt: number;
  updatedAt: number;
}

/** One experience event in the timeline of its primary identity. Timeline events are immutable once stored. */
export interface TimelineEvent {
  /** The log's event id: storing the same one twice keeps the first. */
  eventId: string;
  primaryKey: IdentityKey;
  /** The event's own time (what timelines sort and filter by). */
  timestamp: number;
  type: string;
  source: string;
  position: Position;
  /** Log time. */
  recordedAt: number;
  doc: TimelineEventDoc;
}

/** The API's event item (API.md "Profiles": GET .../events), served as stored. */
export type TimelineEventDoc = {
  id: string;
  type: string;
  /** ISO-8601 UTC with milliseconds. */
  timestamp: string;
  source: string;
  identities: IdentityRef[];
  primaryIdentity: IdentityRef;
  data: Record<string, unknown>;
};

/** Maintained by the store as timeline events land: the number of distinct events and the latest event time. */
export interface EventStats {
  primaryKey: IdentityKey;
  count: number;
  lastEventAt: number;
  /**
   * Position of the newest event counted. After a crash mid-commit (MongoDB) some events of a batch may already be
   * counted; a projector that folds stats itself skips events at or before this position.
   */
  lastPosition: Position;
}

/**
 * One row of the identity→items index: an item (record, event or link) of the log, under one of its identities
 * (linked or not). asOf and history follow it to read a subject's own items back from the log, so their cost
 * follows the subject's history, never the size of the log. Rows are immutable: the same (identityKey, eventId)
 * stored twice keeps the first.
 */
export interface ItemIndexEntry {
  identityKey: IdentityKey;
  eventId: string;
  position: Position;
  /** Log time, epoch ms. */
  recordedAt: number;
  stream: string;
  revision: number;
}

export interface ItemIndexQuery {
  /** Only rows logged strictly before this time (epoch ms). */
  recordedBefore?: number;
  /** Only rows of these items (log event ids). */
  eventIds?: string[];
  /** At most this many rows (the oldest in log order); absent: every row. */
  limit?: number;
}

/**
 * Everything one projector step changes. A key appears at most once per kind; if it is both upserted and deleted,
 * the delete wins. Every part is optional.
 */
export interface ReadModelBatch {
  nodes?: { upsert?: IdentityNode[]; delete?: IdentityKey[] };
  links?: { upsert?: LinkState[]; delete?: string[] };
  fragments?: { upsert?: Fragment[]; delete?: FragmentKey[] };
  /** `delete`: graph ids whose profile is gone (merged into another graph, or emptied). */
  profiles?: { upsert?: ProfileRecord[]; delete?: IdentityKey[] };
  events?: TimelineEvent[];
  /** New rows of the identity→items index. */
  itemIndex?: ItemIndexEntry[];
  /** Change-feed items (projections/change-feed) the batch's items caused: stored once by id, never replaced. */
  changes?: ChangeItem[];
  computed?: ComputedWrites;
  /** Audience memberships the batch's items (or the graphs a re-derivation rewrote) moved (projections/audiences). */
  audiences?: AudienceWrites;
  /** A streamed re-derivation's progress after this batch (null: finished), stored in the same commit. */
  rederiveJob?: RederiveJob | null;
  /**
   * Feed items of a re-derivation chunk (a commit with `checkpoint.step`: its graphs', their computed values' and
   * their memberships'): numbered by the store after the checkpoint, like the items of lapses
   * (numberAfterCheckpoint), in the same commit, and stored exactly once even when a crash interrupts it.
   */
  changesAfterCheckpoint?: TimedDraft[];
}

/**
 * A re-derivation that walks every graph in chunks (a settings change; src/projector/rederive-stream.ts), each
 * committed with the progress it made, so a restart continues where the last committed chunk ended.
 */
export interface RederiveJob {
  /** The rule event it re-derives for: its position, and its stream and revision to read it again. */
  rule: Position;
  ruleStream: string;
  ruleRevision: number;
  /** Node keys up to and including this one are done (node key order); absent: none yet. */
  after?: IdentityKey;
  /** Chunks committed so far (the first one with the rule event); the next chunk is step chunks + 1. */
  chunks: number;
  /** Identities re-derived so far, for health (a count; keys are re-derived more than once when graphs join). */
  identities: number;
  /** Profiles written so far, for health (a count, like `identities`); absent in a job stored before it was kept. */
  graphs?: number;
  /** When the walk began (epoch ms, the projector's clock at the rule event); absent in a job stored before. */
  startedAt?: number;
}

/**
 * Audience memberships as intervals: a row opens when a profile (by graph) enters an audience and closes when it
 * exits, so the members and a profile's audiences can be read now or as of any log time. Times are epoch ms.
 */
/** ReadStore.getProfileView: what a profile GET reads, in one query. */
export interface ProfileView {
  graphId: IdentityKey;
  json?: string;
  memberships: MembershipRow[];
  computed?: ComputedValuesRow;
}

export interface MembershipRow {
  audienceId: string;
  graphId: IdentityKey;
  enteredAt: number;
  /** Absent while the profile is a member. */
  exitedAt?: number;
  /** profileId, primaryIdentity, and the causes of entry (and exit): opaque to the store. */
  doc: JsonDocument;
}

export interface AudienceBackfill {
  audienceId: string;
  version: number;
  status: 'backfilling' | 'ready';
  done: number;
  total: number;
  /** The last graph id evaluated (profiles are walked in listProfiles order). */
  cursor?: string;
  /** Log time of the definition change (epoch ms): the moment its entries and exits are dated at. */
  definedAt?: number;
  /** Where the definition change is in the log: the cause its transitions carry. */
  cause?: { position?: string; eventId?: string };
}

export interface AudienceWrites {
  /** New open intervals. */
  enter?: MembershipRow[];
  /** Closes the open interval of (audienceId, graphId), merging `doc` into it. */
  exit?: Array<{ audienceId: string; graphId: IdentityKey; exitedAt: number; doc: JsonDocument }>;
  backfills?: { upsert?: AudienceBackfill[]; delete?: string[] };
  /** Feed items for the transitions written here outside a batch: numbered after the checkpoint, same commit. */
  changes?: TimedDraft[];
}

export interface MembersQuery {
  audienceId: string;
  /** 1..1000. */
  limit: number;
  cursor?: string;
  /** Members at this log time (epoch ms); absent: now. */
  asOf?: number;
}

/**
 * Computed attributes (projections/computed-attributes): the window engine's state per primary identity, and per
 * graph its values and when they next change by time alone (`dueAt`: the timer queue the projector polls). Stored
 * beside the profile, not inside it, so a lapse rewrites one small row and no profile document.
 */
export interface ComputedStateRow {
  primaryKey: IdentityKey;
  doc: JsonDocument;
}

export interface ComputedValuesRow {
  graphId: IdentityKey;
  /** name → value, every definition in force (anonymous ones included). */
  values: JsonDocument;
  /** Epoch ms of the next lapse or entry; absent when time alone never changes them. */
  dueAt?: number;
}

/** The projector's backfill of one definition version: its progress over the profiles. */
export interface ComputedBackfill {
  name: string;
  version: number;
  status: 'backfilling' | 'ready';
  done: number;
  total: number;
  /** The last graph id backfilled (profiles are walked in listProfiles order). */
  cursor?: string;
  /** Log time of the definition change (epoch ms): audience moves the backfill causes are dated at it. */
  definedAt?: number;
  /** Where the definition change is in the log: the cause those audience moves carry (history shows them there). */
  cause?: { position?: string; eventId?: string };
}

export interface ComputedWrites {
  states?: { upsert?: ComputedStateRow[] };
  values?: { upsert?: ComputedValuesRow[]; delete?: IdentityKey[] };
  backfills?: { upsert?: ComputedBackfill[]; delete?: string[] };
  /**
   * commitComputed only (a batch's items go in ReadModelBatch.changes): `computed.changed` items for the values
   * written here outside a batch, numbered after the checkpoint, in the same commit.
   */
  changes?: TimedDraft[];
}

export interface Checkpoint {
  projector: string;
  /** The last log position the batch covers; it also stamps every document the batch writes. */
  position: Position;
  /**
   * A chunk of a streamed re-derivation between two batches: `position` is the checkpoint as it stands and does
   * not move; the documents are stamped just after it (positionKey + step), so they replace what the batch at
   * `position` wrote and the next batch replaces them. Applied only when the stored job has fewer chunks.
   */
  step?: number;
}

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

export interface ListProfilesQuery {
  /** 1..1000. */
  limit: number;
  cursor?: string;
}

export interface EventsQuery {
  /** The graph's identities now: a timeline is the union of their events. */
  primaryKeys: IdentityKey[];
  /** Inclusive. */
  from?: number;
  /** Exclusive. */
  to?: number;
  /** Any of these types; absent or empty: every type. */
  types?: string[];
  /** By event timestamp, ties by eventId. */
  order: 'asc' | 'desc';
  /** 1..1000. */
  limit: number;
  /** From a previous page of the same query; a cursor from another order is rejected (READ_STORE_BAD_CURSOR). */
  cursor?: string;
}

export interface GraphView {
  nodes: IdentityNode[];
  /** Every link touching a node of the graph, active or removed. */
  links: LinkState[];
}

/** What an erasure removes from the read models (privacy requests). */
export interface SubjectErasure {
  /**
   * The erased identities: their nodes, every link touching them, the fragments, timeline events and event stats
   * whose primary they are, their identity→items index rows, and the profiles whose graph id is one of them.
   */
  identityKeys: IdentityKey[];
  /** Log streams erased with them: every index row pointing into these streams goes too. */
  streams: string[];
  /**
   * Every identity the erased streams' items named, so their index rows into those streams are found by key;
   * absent, the index is scanned for the streams (a cost that grows with the log).
   */
  streamIdentityKeys?: IdentityKey[];
  /** Other people's timeline events that named an erased identity, as they read now: they replace the stored ones. */
  rewrittenEvents: TimelineEvent[];
  /**
   * The feed: items about these profiles are removed, others' items naming them lose those ids, and each profile the
   * feed named (or that exists now) gets a `profile.erased` notice after the read models' checkpoint.
   */
  feed?: FeedErasure;
}

/** A page of the change feed, in id order. */
export interface ChangeQuery {
  /** Exclusive; absent: from the start of the feed. */
  after?: string;
  /** 1..1000. */
  limit: number;
  /** Any of these types; absent or empty: every type. */
  types?: readonly ChangeType[];
}

/** What an erasure does to the change feed (projections/change-feed eraseFromFeed). */
export interface FeedErasure {
  /** Every profile id the subject may have had (the public id of each erased identity as a graph id). */
  profileIds: string[];
  /** Log time of the erasure: the notices' `at`. */
  at: number;
  /**
   * The projector already wrote the `profile.erased` notices, with the SubjectErased event (its `erasedProfiles`):
   * purge only. Without it (an erasure logged before events carried them) the notices are written here, after the
   * read models' checkpoint.
   */
  noticed?: boolean;
  /**
   * Profiles that held the subject and stay (an erasure of one identity of theirs): their `computed.changed` items
   * lose the value, which may have counted the subject's events.
   */
  redacted?: string[];
  /**
   * The SubjectErased event's position key: `redacted` items from there on (its re-derivation's, in its own commit)
   * keep their values, which were computed without the subject. Absent: every such item loses it.
   */
  redactBefore?: string;
}

export interface GroupOptions {
  wholeOnly?: boolean;
}

export interface ReadStore {
  getCheckpoint(projector: string): Promise<Position | undefined>;
  commit(batch: ReadModelBatch, checkpoint: Checkpoint): Promise<void>;
  /**
   * Run by the projector before it loads anything: finishes a commit a crash interrupted, so the store holds either
   * none or all of that batch. SQLite commits in one transaction and has nothing to do; MongoDB replays its commit
   * journal (mongodb/mongo-commit-journal.ts).
   */
  completeInterruptedCommit(projector: string): Promise<void>;
  /**
   * Runs `work`, whose writes (commit, commitComputed, commitAudiences) the store may apply together when it ends
   * instead of one by one: the projector's parts of one segment, each at its own position. Each write keeps its
   * own all-or-nothing and its own checkpoint, so it means what it meant alone; only when the writes reach the
   * store's durable state changes. SQLite runs them as savepoints of one transaction (one BEGIN/COMMIT and one
   * WAL append instead of one per part); MongoDB just runs `work`, writing as it goes. If `work` throws, the
   * writes it completed are kept (as they would have been one by one) and the error propagates; if the group's
   * own commit fails, none of them is kept. The caller must not advance anything others see (its checkpoint's
   * waiters, the feed's wake-ups) before this resolves. `work` must await this store only (no log read, no timer):
   * the group holds the write lock while it runs. Until it resolves, the reads that must only ever see committed
   * state (getCheckpoint, the change feed's, eraseSubjects) wait, so `work` must not call them.
   *
   * `wholeOnly`: the group is all-or-nothing instead. Its writes need not be all-or-nothing one by one (SQLite runs
   * them without a savepoint each: ~15 % of a fifty-audience fold, where nearly every item is a part), so once
   * `work` throws or any write in it fails, none of the group's writes is kept, the failure is the group's (thrown
   * even when `work` caught it) and the store's checkpoint is where it was. A store that cannot (MongoDB) keeps
   * its own way, which is at least as strict for each write; the caller learns what was kept from the checkpoint.
   */
  groupCommits<T>(work: () => Promise<T>, options?: GroupOptions): Promise<T>;

  /** Loads for the projector: only the affected part of the models. Missing keys are left out. */
  getNodes(keys: IdentityKey[]): Promise<IdentityNode[]>;
  getNodesOfGraphs(graphIds: IdentityKey[]): Promise<IdentityNode[]>;
  /** Links with either end in `keys`, active and removed. */
  getLinksTouching(keys: IdentityKey[]): Promise<LinkState[]>;
  getFragmentsOfPrimaries(primaryKeys: IdentityKey[]): Promise<Fragment[]>;
  getEventStats(primaryKeys: IdentityKey[]): Promise<EventStats[]>;
  /** Index rows of these identities, in log order (position, then eventId), filtered as asked. */
  getItemsOfIdentities(keys: IdentityKey[], query?: ItemIndexQuery): Promise<ItemIndexEntry[]>;

  /** The projector's streamed re-derivation in progress, if any. */
  getRederiveJob(projector: string): Promise<RederiveJob | undefined>;
  /** Node keys after `after` (exclusive) in key order (byte order): how a streamed re-derivation walks the graphs. */
  listNodeKeys(after: IdentityKey | undefined, limit: number): Promise<IdentityKey[]>;

  /** Queries. */
  getNode(key: IdentityKey): Promise<IdentityNode | undefined>;
  getProfile(graphId: IdentityKey): Promise<ProfileRecord | undefined>;
  /** The profile document without its graph id, as JSON text (profile-json.ts): what the API shows, unparsed. */
  getProfileJson(graphId: IdentityKey): Promise<string | undefined>;
  /**
   * The hot read of a profile GET in one query: the graph the identity `key` belongs to, its profile as JSON text (as
   * getProfileJson), its open memberships (as getMemberships) and, with `withComputed`, its computed values row (as
   * getComputedValues), all from one committed state of the store. undefined when the identity is unknown; `json`
   * is undefined when no profile holds it.
   */
  getProfileView(key: IdentityKey, withComputed: boolean): Promise<ProfileView | undefined>;
  /** Profiles in the database's order of graphId (byte order for ASCII; beyond it, the server's collation). */
  listProfiles(query: ListProfilesQuery): Promise<Page<ProfileRecord>>;
  queryEvents(query: EventsQuery): Promise<Page<TimelineEvent>>;
  /** Nodes whose graphId is `graphId`, and the links touching them; empty when the graph is unknown. */
  getGraph(graphId: IdentityKey): Promise<GraphView>;

  /**
   * Removes an erased subject from these read models, outside any batch (no checkpoint moves). SQLite also scrubs
   * the file (secure_delete, WAL truncated, VACUUM) so no byte of the removed rows remains; MongoDB deletes.
   */
  eraseSubjects(erasure: SubjectErasure): Promise<void>;

  /** The change feed, written with the batches (`changes`): a page after a cursor, one item, the newest id, a count. */
  readChanges(query: ChangeQuery): Promise<ChangeItem[]>;
  getChange(id: string): Promise<ChangeItem | undefined>;
  lastChangeId(): Promise<string | undefined>;
  countChangesAfter(after: string | undefined): Promise<number>;
  /** Which of these profile ids some stored feed item names (an erasure notices those). */
  profilesNamedInFeed(profileIds: string[]): Promise<string[]>;

  /** Computed attributes: engine state by primary identity, values by graph (missing keys are left out). */
  getComputedStates(primaryKeys: IdentityKey[]): Promise<ComputedStateRow[]>;
  getComputedValues(graphIds: IdentityKey[]): Promise<ComputedValuesRow[]>;
  /** Graphs whose values change by time at or before `now`, soonest first (then by graph id): the timer queue. */
  getDueComputed(now: number, limit: number): Promise<ComputedValuesRow[]>;
  getComputedBackfills(): Promise<ComputedBackfill[]>;
  /**
   * Writes what time alone changed (lapses, backfill steps): no log entry moves, so no checkpoint does. The caller
   * (the projector, between batches) must not run it concurrently with its own `commit`.
   */
  commitComputed(writes: ComputedWrites): Promise<void>;
  countProfiles(): Promise<number>;

  /** Audiences: open memberships of these graphs; those of one graph at a log time; members by graph id; sizes. */
  getMemberships(graphIds: IdentityKey[]): Promise<MembershipRow[]>;
  getMembershipsAsOf(graphId: IdentityKey, asOf: number): Promise<MembershipRow[]>;
  /** Every interval (open or closed) of these graphs, by entry time: a profile's history of memberships. */
  getMembershipIntervals(graphIds: IdentityKey[]): Promise<MembershipRow[]>;
  listMembers(query: MembersQuery): Promise<Page<MembershipRow>>;
  /** Open memberships per audience id (0 for an id with none). */
  countMembers(audienceIds: string[]): Promise<Map<string, number>>;
  getAudienceBackfills(): Promise<AudienceBackfill[]>;
  /** What time alone changed (lapses, backfill steps): no checkpoint moves; never concurrent with `commit`. */
  commitAudiences(writes: AudienceWrites): Promise<void>;

  /**
   * The projector lease (projector-lease.ts): tries once to take it for `request.holder`. Once granted, this store
   * instance fences every later write it makes (commit, commitComputed, commitAudiences) with the grant: checked
   * inside the write, which fails with READ_MODEL_FENCED as soon as another holder has taken the lease.
   * SQLite: an OS lock on a file beside the read models, which the kernel frees when the holder dies (SIGKILL
   * included), so it has no expiry; the token lives in the read-model file. MongoDB: the lease lives in the
   * projector's checkpoint document and expires `ttlMs` after its last renewal.
   */
  acquireLease(request: LeaseRequest): Promise<LeaseGrant | undefined>;
  /** Pushes the expiry of this store's grant out; false when the lease has moved on (the holder steps down). */
  renewLease(now: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up (a standby may take it at once); this store's writes stay fenced. */
  releaseLease(): Promise<void>;
  /** The lease as it stands, for health: holder (absent when nobody holds it), token, expiry. */
  readLease(projector: string): Promise<LeaseState | undefined>;

  close(): Promise<void>;
}

export interface ReadStoreOptions {
  /**
   * Names the read models (table / collection prefix `${modelVersion}_`), so a rebuild writes beside the live
   * models and the service swaps later. Lower-case letters, digits and '_'; default 'v1'.
   */
  modelVersion?: string;
  /**
   * 'throwaway': a target that is rebuilt from scratch if anything goes wrong (a rebuild into its own file), so
   * commits need not reach the disk (SQLite: synchronous=OFF, rarer checkpoints). Never for a file that holds live
   * models: a power cut may then corrupt it. Default 'durable'. The MongoDB adapter ignores it.
   */
  durability?: 'durable' | 'throwaway';
}

export const DEFAULT_MODEL_VERSION = 'v1';

export const READ_STORE = Symbol('ReadStore');
