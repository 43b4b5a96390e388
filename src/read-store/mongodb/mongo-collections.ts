import type { Binary, Collection, Db } from 'mongodb';

/**
 * The read models as collections named `${modelVersion}_...`. Every document a batch writes carries `pos` (the
 * positionKey of that batch): MongoDB has no multi-document transaction we may rely on (jongodb has none), so a
 * write only lands on a document an older batch wrote, which makes re-applying a batch after a crash harmless.
 * Documents are JSON text: the projections own their shapes, and their keys (leaf paths with dots, `$` in user
 * attributes) would not survive as BSON field names.
 */
export interface GuardedDoc {
  _id: string;
  pos: string;
}

export interface NodeDoc extends GuardedDoc {
  graphId: string;
  doc: string;
}

export interface LinkDoc extends GuardedDoc {
  a: string;
  b: string;
  doc: string;
}

export interface FragmentDoc extends GuardedDoc {
  primaryKey: string;
  source: string;
  doc: string;
}

export interface ProfileDoc extends GuardedDoc {
  createdAt: number;
  updatedAt: number;
  doc: string;
}

/** Immutable once stored, so it needs no guard: its id is the log's event id. */
export interface EventDoc {
  _id: string;
  primaryKey: string;
  ts: number;
  type: string;
  source: string;
  position: string;
  recordedAt: number;
  doc: string;
}

/** `pos` here is the positionKey of the newest event counted, so an event is never counted twice. */
export interface StatsDoc extends GuardedDoc {
  count: number;
  lastEventAt: number;
  /** The newest counted event's position, as the log spells it (`pos` is its sortable form). */
  lastPosition: string;
}

/** Immutable once stored: `_id` is fragmentId-style JSON of [identityKey, eventId]; `pos` sorts in log order. */
export interface ItemIndexDoc {
  _id: string;
  identityKey: string;
  eventId: string;
  pos: string;
  position: string;
  recordedAt: number;
  stream: string;
  revision: number;
}

/**
 * A change-feed item (mongo-change-feed.ts): `_id` its id (ordered like the log), `refs` every profile id it names
 * (what an erasure looks up), `doc` the item as JSON. Immutable once stored, so it needs no guard.
 */
export interface ChangeDoc {
  _id: string;
  type: string;
  refs: string[];
  doc: string;
}

/**
 * A projector's checkpoint and its lease (mongo-lease.ts) share one document, so that the checkpoint moves only
 * under the current lease token, atomically. Before the first commit under a lease it holds only the lease.
 */
export interface CheckpointDoc {
  _id: string;
  pos?: string;
  position?: string;
  lease?: LeaseDoc;
}

export interface LeaseDoc {
  holder: string | null;
  token: number;
  /** Epoch ms; null once released. */
  expiresAt: number | null;
}

/** Computed attributes (mongo-computed.ts): unguarded, rewritten whole by the one projector that owns them. */
export interface ComputedStateDoc {
  _id: string;
  doc: string;
}

export interface ComputedValuesDoc {
  _id: string;
  /** Epoch ms of the next time-driven change; absent: none (left out of the timer queue). */
  dueAt?: number;
  doc: string;
}

export interface ComputedBackfillDoc {
  _id: string;
  doc: string;
}

/** Audience memberships (mongo-audiences.ts): interval documents; `exitedAt` null while a member. */
export interface MembershipDoc {
  _id: string;
  audienceId: string;
  graphId: string;
  enteredAt: number;
  exitedAt: number | null;
  doc: string;
}

export interface AudienceBackfillDoc {
  _id: string;
  doc: string;
}

/** A streamed re-derivation in progress, by projector name (RederiveJob as JSON). */
export interface RederiveJobDoc {
  _id: string;
  doc: string;
}

/** One part of a batch being committed (mongo-commit-journal.ts); gone once its checkpoint is stored. */
export interface CommitJournalDoc {
  _id: string;
  projector: string;
  /** The batch's checkpoint position. */
  position: string;
  /** The checkpoint stored when the batch was folded; null before the first. */
  from: string | null;
  part: number;
  parts: number;
  bytes: Binary;
}

export interface ReadModelCollections {
  nodes: Collection<NodeDoc>;
  links: Collection<LinkDoc>;
  fragments: Collection<FragmentDoc>;
  profiles: Collection<ProfileDoc>;
  events: Collection<EventDoc>;
  stats: Collection<StatsDoc>;
  checkpoints: Collection<CheckpointDoc>;
  itemIndex: Collection<ItemIndexDoc>;
  changes: Collection<ChangeDoc>;
  computedStates: Collection<ComputedStateDoc>;
  computedValues: Collection<ComputedValuesDoc>;
  computedBackfills: Collection<ComputedBackfillDoc>;
  memberships: Collection<MembershipDoc>;
  audienceBackfills: Collection<AudienceBackfillDoc>;
  rederiveJobs: Collection<RederiveJobDoc>;
  commitJournal: Collection<CommitJournalDoc>;
}

export function readModelCollections(db: Db, prefix: string): ReadModelCollections {
  return {
    nodes: db.collection(`${prefix}nodes`),
    links: db.collection(`${prefix}links`),
    fragments: db.collection(`${prefix}fragments`),
    profiles: db.collection(`${prefix}profiles`),
    events: db.collection(`${prefix}events`),
    stats: db.collection(`${prefix}event_stats`),
    checkpoints: db.collection(`${prefix}checkpoints`),
    itemIndex: db.collection(`${prefix}item_index`),
    changes: db.collection(`${prefix}changes`),
    computedStates: db.collection(`${prefix}computed_states`),
    computedValues: db.collection(`${prefix}computed_values`),
    computedBackfills: db.collection(`${prefix}computed_backfills`),
    memberships: db.collection(`${prefix}memberships`),
    audienceBackfills: db.collection(`${prefix}audience_backfills`),
    rederiveJobs: db.collection(`${prefix}rederive_jobs`),
    commitJournal: db.collection(`${prefix}commit_journal`),
  };
}

/** One index per query the port serves; creating an existing index is a no-op, so this runs at every open. */
export async function ensureIndexes(c: ReadModelCollections): Promise<void> {
  await c.nodes.createIndex({ graphId: 1 }, { name: 'by_graph' });
  await c.links.createIndex({ a: 1 }, { name: 'by_a' });
  await c.links.createIndex({ b: 1 }, { name: 'by_b' });
  await c.fragments.createIndex({ primaryKey: 1 }, { name: 'by_primary' });
  await c.events.createIndex({ primaryKey: 1, ts: 1, _id: 1 }, { name: 'by_primary_time' });
  await c.itemIndex.createIndex({ identityKey: 1, pos: 1 }, { name: 'by_identity_pos' });
  await c.changes.createIndex({ refs: 1 }, { name: 'by_refs' });
  await c.computedValues.createIndex({ dueAt: 1 }, { name: 'by_due' });
  await c.memberships.createIndex({ audienceId: 1, graphId: 1 }, { name: 'by_audience_graph' });
  await c.memberships.createIndex({ graphId: 1 }, { name: 'by_graph' });
}

/** A fragment's id: unambiguous whatever the source name and the identity value hold. */
export function fragmentId(primaryKey: string, source: string): string {
  return JSON.stringify([primaryKey, source]);
}
