import { MongoClient, type MongoClientOptions } from 'mongodb';
import { graphFromParts, profilePage } from '../shared-reads';
import type { ChangeItem } from '../../../projections/change-feed';
import type { IdentityKey, IdentityNode, LinkState } from '../../../projections/model';
import { comparePositions, type Position } from '../../event-store';
import { modelPrefix } from '../model-version';
import { withoutGraphId } from '../profile-json';
import { assertLimit, decodeProfilesCursor } from '../query-bounds';
import type {
  Checkpoint,
  AudienceBackfill,
  AudienceWrites,
  ComputedBackfill,
  MembersQuery,
  MembershipRow,
  ComputedStateRow,
  ComputedValuesRow,
  ComputedWrites,
  EventStats,
  EventsQuery,
  Fragment,
  GraphView,
  ItemIndexEntry,
  ItemIndexQuery,
  ListProfilesQuery,
  Page,
  ProfileRecord,
  ProfileView,
  ReadModelBatch,
  ReadStore,
  RederiveJob,
  ReadStoreOptions,
  ChangeQuery,
  SubjectErasure,
  TimelineEvent,
} from '../read-store.port';
import { computedBackfills, computedStates, computedValues, dueComputed, eraseComputed, writeComputed } from './mongo-computed';
import { clearJournal, interruptedCommit, writeJournal } from './mongo-commit-journal';
import { appendAfterCheckpoint, countChangesAfter, numberedAfterCheckpoint, eraseChanges, getChange, lastChangeId, profilesNamed, readChanges } from './mongo-change-feed';
import { eraseInMongo } from './mongo-erasure';
import { audienceBackfills, countMembers, eraseMemberships, members, membershipIntervals, membershipsAsOf, membershipsOf, writeAudiences } from './mongo-audiences';
import { isFresh, writeBatch } from './mongo-batch-writer';
import { ensureIndexes, readModelCollections, type ProfileDoc, type ReadModelCollections } from './mongo-collections';
import { translated } from './mongo-errors';
import { chunks, findByIds } from './mongo-guarded-writes';
import { findItemsOf } from './mongo-item-index';
import { queryTimeline } from './mongo-timeline';
import { MongoLease } from './mongo-lease';
import type { LeaseGrant, LeaseRequest, LeaseState } from '../projector-lease';

export interface MongoReadStoreOptions extends ReadStoreOptions {
  /** Default: the database named in the URL (the driver's default when it names none). */
  dbName?: string;
  client?: MongoClientOptions;
}

/** The distributed read store. Every call is translated: callers only ever see AppErrors from here. */
export class MongoReadStore implements ReadStore {
  private readonly lease: MongoLease;

  constructor(
    private readonly client: MongoClient,
    private readonly c: ReadModelCollections,
  ) {
    this.lease = new MongoLease(c);
  }

  getCheckpoint(projector: string): Promise<Position | undefined> {
    return translated(async () => (await this.c.checkpoints.findOne({ _id: projector }))?.position);
  }

  commit(batch: ReadModelBatch, checkpoint: Checkpoint): Promise<void> {
    return translated(async () => {
      const current = await this.c.checkpoints.findOne({ _id: checkpoint.projector });
      await this.lease.assertFence(current);
      if (!(await isFresh(this.c, checkpoint, current))) return;
      // A chunk's feed items get their ids before the journal is written: a replay after a crash mid-commit then
      // writes the very same items, stored once by id, instead of numbering them again after those that landed.
      const numbered = await this.numbered(batch);
      await writeJournal(this.c, checkpoint, current?.position, numbered);
      await this.apply(numbered, checkpoint);
      await clearJournal(this.c, checkpoint.projector);
    });
  }

  /** Each commit is its own journalled write already (and MongoDB has no cheaper way to group them): as it goes. */
  groupCommits<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  completeInterruptedCommit(projector: string): Promise<void> {
    return translated(async () => {
      const current = await this.c.checkpoints.findOne({ _id: projector });
      await this.lease.assertFence(current);
      const interrupted = await interruptedCommit(this.c, projector, current?.position);
      if (interrupted) await this.apply(interrupted.batch, interrupted.checkpoint);
      await clearJournal(this.c, projector);
    });
  }

  /** The batch with its changesAfterCheckpoint numbered (as the checkpoint stands) among its changes. */
  private async numbered(batch: ReadModelBatch): Promise<ReadModelBatch> {
    const drafts = batch.changesAfterCheckpoint ?? [];
    if (drafts.length === 0) return batch;
    const { changesAfterCheckpoint: _drafts, ...rest } = batch;
    return { ...rest, changes: [...(batch.changes ?? []), ...(await numberedAfterCheckpoint(this.c, drafts))] };
  }

  /** Computed documents first, the checkpoint last (writeBatch); every write is position-guarded, so re-applying is safe. */
  private async apply(batch: ReadModelBatch, checkpoint: Checkpoint): Promise<void> {
    await writeComputed(this.c, batch.computed);
    await writeAudiences(this.c, batch.audiences);
    await writeBatch(this.c, batch, checkpoint, this.lease);
  }

  getRederiveJob(projector: string): Promise<RederiveJob | undefined> {
    return translated(async () => {
      const found = await this.c.rederiveJobs.findOne({ _id: projector });
      return found ? (JSON.parse(found.doc) as RederiveJob) : undefined;
    });
  }

  listNodeKeys(after: IdentityKey | undefined, limit: number): Promise<IdentityKey[]> {
    return translated(async () => {
      const filter = after === undefined ? {} : { _id: { $gt: after } };
      return (await this.c.nodes.find(filter, { projection: { _id: 1 } }).sort({ _id: 1 }).limit(limit).toArray()).map((d) => d._id);
    });
  }

  getNodes(keys: IdentityKey[]): Promise<IdentityNode[]> {
    return translated(async () => parseAll(await findByIds(this.c.nodes, keys)));
  }

  getNodesOfGraphs(graphIds: IdentityKey[]): Promise<IdentityNode[]> {
    return translated(async () => {
      const found: IdentityNode[] = [];
      for (const part of chunks([...new Set(graphIds)])) {
        found.push(...parseAll<IdentityNode>(await this.c.nodes.find({ graphId: { $in: part } }).toArray()));
      }
      return found;
    });
  }

  getLinksTouching(keys: IdentityKey[]): Promise<LinkState[]> {
    return translated(async () => {
      const found = new Map<string, LinkState>();
      for (const part of chunks([...new Set(keys)])) {
        const docs = await this.c.links.find({ $or: [{ a: { $in: part } }, { b: { $in: part } }] }).toArray();
        for (const d of docs) found.set(d._id, JSON.parse(d.doc));
      }
      return [...found.values()];
    });
  }

  getFragmentsOfPrimaries(primaryKeys: IdentityKey[]): Promise<Fragment[]> {
    return translated(async () => {
      const found: Fragment[] = [];
      for (const part of chunks([...new Set(primaryKeys)])) {
        const docs = await this.c.fragments.find({ primaryKey: { $in: part } }).toArray();
        found.push(...docs.map((d) => ({ primaryKey: d.primaryKey, source: d.source, doc: JSON.parse(d.doc) })));
      }
      return found;
    });
  }

  getEventStats(primaryKeys: IdentityKey[]): Promise<EventStats[]> {
    return translated(async () =>
      (await findByIds(this.c.stats, primaryKeys)).map((s) => ({
        primaryKey: s._id,
        count: s.count,
        lastEventAt: s.lastEventAt,
        lastPosition: s.lastPosition,
      })),
    );
  }

  getItemsOfIdentities(keys: IdentityKey[], query: ItemIndexQuery = {}): Promise<ItemIndexEntry[]> {
    return translated(() => findItemsOf(this.c, keys, query));
  }

  async getNode(key: IdentityKey): Promise<IdentityNode | undefined> {
    return (await this.getNodes([key]))[0];
  }

  getProfile(graphId: IdentityKey): Promise<ProfileRecord | undefined> {
    return translated(async () => {
      const doc = await this.c.profiles.findOne({ _id: graphId });
      return doc ? toProfile(doc) : undefined;
    });
  }

  async getProfileJson(graphId: IdentityKey): Promise<string | undefined> {
    const record = await this.getProfile(graphId);
    return record && JSON.stringify(withoutGraphId(record.doc as Record<string, unknown>));
  }

  /** The reads of the port, one after another: MongoDB has no join of these collections worth having here. */
  async getProfileView(key: IdentityKey, withComputed: boolean): Promise<ProfileView | undefined> {
    const node = await this.getNode(key);
    if (!node) return undefined;
    const [json, memberships, computed] = await Promise.all([
      this.getProfileJson(node.graphId),
      this.getMemberships([node.graphId]),
      withComputed ? this.getComputedValues([node.graphId]) : [],
    ]);
    return { graphId: node.graphId, ...(json === undefined ? {} : { json }), memberships, ...(computed[0] ? { computed: computed[0] } : {}) };
  }

  listProfiles(query: ListProfilesQuery): Promise<Page<ProfileRecord>> {
    return translated(async () => {
      assertLimit(query.limit);
      const after = decodeProfilesCursor(query.cursor) ?? '';
      const docs = await this.c.profiles
        .find({ _id: { $gt: after } })
        .sort({ _id: 1 })
        .limit(query.limit + 1)
        .toArray();
      return profilePage(docs.map(toProfile), query.limit);
    });
  }

  queryEvents(query: EventsQuery): Promise<Page<TimelineEvent>> {
    return translated(() => queryTimeline(this.c, query));
  }

  getGraph(graphId: IdentityKey): Promise<GraphView> {
    return graphFromParts(this, graphId);
  }

  eraseSubjects(erasure: SubjectErasure): Promise<void> {
    return translated(async () => {
      if (erasure.feed) await eraseChanges(this.c, erasure.identityKeys, erasure.feed);
      await eraseInMongo(this.c, erasure);
      await eraseComputed(this.c, erasure.identityKeys);
      await eraseMemberships(this.c, erasure.identityKeys);
    });
  }

  getComputedStates(primaryKeys: IdentityKey[]): Promise<ComputedStateRow[]> {
    return translated(() => computedStates(this.c, primaryKeys));
  }

  getComputedValues(graphIds: IdentityKey[]): Promise<ComputedValuesRow[]> {
    return translated(() => computedValues(this.c, graphIds));
  }

  getDueComputed(now: number, limit: number): Promise<ComputedValuesRow[]> {
    return translated(() => dueComputed(this.c, now, limit));
  }

  getComputedBackfills(): Promise<ComputedBackfill[]> {
    return translated(() => computedBackfills(this.c));
  }

  commitComputed(writes: ComputedWrites): Promise<void> {
    return translated(async () => {
      await this.lease.assertFence();
      await writeComputed(this.c, writes);
      await appendAfterCheckpoint(this.c, writes.changes ?? []);
    });
  }

  countProfiles(): Promise<number> {
    return translated(() => this.c.profiles.countDocuments({}));
  }

  getMemberships(graphIds: IdentityKey[]): Promise<MembershipRow[]> {
    return translated(() => membershipsOf(this.c, graphIds));
  }

  getMembershipsAsOf(graphId: IdentityKey, asOf: number): Promise<MembershipRow[]> {
    return translated(() => membershipsAsOf(this.c, graphId, asOf));
  }

  listMembers(query: MembersQuery): Promise<Page<MembershipRow>> {
    return translated(() => members(this.c, query));
  }

  getMembershipIntervals(graphIds: IdentityKey[]): Promise<MembershipRow[]> {
    return translated(() => membershipIntervals(this.c, graphIds));
  }

  countMembers(audienceIds: string[]): Promise<Map<string, number>> {
    return translated(() => countMembers(this.c, audienceIds));
  }

  getAudienceBackfills(): Promise<AudienceBackfill[]> {
    return translated(() => audienceBackfills(this.c));
  }

  commitAudiences(writes: AudienceWrites): Promise<void> {
    return translated(async () => {
      await this.lease.assertFence();
      await writeAudiences(this.c, writes);
      await appendAfterCheckpoint(this.c, writes.changes ?? []);
    });
  }


  readChanges(query: ChangeQuery): Promise<ChangeItem[]> {
    return translated(() => readChanges(this.c.changes, query));
  }

  profilesNamedInFeed(profileIds: string[]): Promise<string[]> {
    return translated(() => profilesNamed(this.c.changes, profileIds));
  }

  getChange(id: string): Promise<ChangeItem | undefined> {
    return translated(() => getChange(this.c.changes, id));
  }

  lastChangeId(): Promise<string | undefined> {
    return translated(() => lastChangeId(this.c.changes));
  }

  countChangesAfter(after: string | undefined): Promise<number> {
    return translated(() => countChangesAfter(this.c.changes, after));
  }

  acquireLease(request: LeaseRequest): Promise<LeaseGrant | undefined> {
    return translated(() => this.lease.acquire(request));
  }

  renewLease(now: number, ttlMs: number): Promise<boolean> {
    return translated(() => this.lease.renew(now, ttlMs));
  }

  releaseLease(): Promise<void> {
    return translated(() => this.lease.release());
  }

  readLease(projector: string): Promise<LeaseState | undefined> {
    return translated(() => this.lease.read(projector));
  }

  close(): Promise<void> {
    return translated(() => this.client.close());
  }
}

export async function openMongoReadStore(url: string, options: MongoReadStoreOptions = {}): Promise<ReadStore> {
  const prefix = modelPrefix(options);
  const client = new MongoClient(url, options.client);
  return translated(async () => {
    try {
      await client.connect();
      const collections = readModelCollections(client.db(options.dbName), prefix);
      await ensureIndexes(collections);
      return new MongoReadStore(client, collections);
    } catch (error) {
      await client.close();
      throw error;
    }
  });
}

function parseAll<T>(docs: { doc: string }[]): T[] {
  return docs.map((d) => JSON.parse(d.doc) as T);
}

function toProfile(d: ProfileDoc): ProfileRecord {
  return { graphId: d._id, createdAt: d.createdAt, updatedAt: d.updatedAt, doc: JSON.parse(d.doc) };
}
