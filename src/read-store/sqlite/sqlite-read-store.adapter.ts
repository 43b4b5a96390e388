import Database from 'better-sqlite3';
import { WalCheckpointer } from '../../common/sqlite';
import { graphFromParts, profilePage } from '../shared-reads';
import type { ChangeItem, TimedDraft } from '../../../projections/change-feed';
import type { IdentityKey, IdentityNode, LinkState } from '../../../projections/model';
import { comparePositions, type Position } from '../../event-store';
import { modelPrefix } from '../model-version';
import { profileJsonOf } from '../profile-json';
import {
  assertLimit,
  decodeProfilesCursor,
} from '../query-bounds';
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
  FeedErasure,
  ChangeQuery,
  GroupOptions,
  SubjectErasure,
  TimelineEvent,
} from '../read-store.port';
import type { LeaseGrant, LeaseRequest, LeaseState } from '../projector-lease';
import { SqliteLease } from './sqlite-lease';
import { computedSchemaSql, openComputedTables, type ComputedTables } from './sqlite-computed';
import { audienceSchemaSql, openAudienceTables, type AudienceTables } from './sqlite-audiences';
import { changeFeedSchemaSql, migrateItemRefs, openChangeFeedTables, type ChangeFeedTables } from './sqlite-change-feed';
import { eraseInSqlite, holdsNoReadModels, markScrubbed } from './sqlite-erasure';
import { createBatchWriter, type DeferredTable } from './sqlite-batch-writer';
import { SqliteCommitGroup } from './sqlite-commit-group';
import { settle } from './sqlite-errors';
import { schemaSql } from './sqlite-schema';
import { openProfileView, type ProfileViewReader } from './sqlite-profile-view';
import { prepareStatements, type SqliteStatements } from './sqlite-statements';
import { queryTimeline } from './sqlite-timeline';

interface ProfileRow {
  graph_id: string;
  created_at: number;
  updated_at: number;
  doc: string;
}

interface ItemIndexRow {
  identity_key: string;
  event_id: string;
  position: string;
  recorded_at: number;
  stream: string;
  revision: number;
}

/**
 * The embedded read store: one SQLite file in WAL mode, so queries read while the projector writes. better-sqlite3
 * is synchronous; the async port keeps the shape the MongoDB adapter needs.
 */
export class SqliteReadStore implements ReadStore {
  private readonly s: SqliteStatements;
  private readonly writeBatch: ReturnType<typeof createBatchWriter>;
  private readonly feed: ChangeFeedTables;
  private readonly commitWithFeed: (batch: ReadModelBatch, checkpoint: Checkpoint) => void;
  private readonly computed: ComputedTables;
  private readonly audiences: AudienceTables;
  private readonly lease: SqliteLease;
  private readonly group: SqliteCommitGroup;
  private readonly profileView: ProfileViewReader;

  constructor(
    private readonly db: Database.Database,
    private readonly prefix: string,
    private readonly checkpointer?: WalCheckpointer,
  ) {
    this.group = new SqliteCommitGroup(db);
    db.exec(schemaSql(prefix));
    db.exec(changeFeedSchemaSql(prefix));
    migrateItemRefs(db, prefix);
    this.feed = openChangeFeedTables(db, prefix);
    this.lease = new SqliteLease(db, prefix);
    // The feed items go in the batch's transaction, and only when the batch itself is applied (not skipped).
    const commitWithFeed = (batch: ReadModelBatch, checkpoint: Checkpoint) => {
      this.lease.assertFence();
      if (!this.writeBatch.write(batch, checkpoint, this.group.bare)) return;
      this.feed.write(batch.changes);
      this.feed.appendAfterCheckpoint(batch.changesAfterCheckpoint ?? []);
    };
    const inTransaction = db.transaction(commitWithFeed);
    // Inside a whole group, the group's transaction is the commit's (no savepoint: sqlite-commit-group.ts).
    this.commitWithFeed = (batch, checkpoint) => (this.group.bare ? commitWithFeed(batch, checkpoint) : inTransaction(batch, checkpoint));
    db.exec(computedSchemaSql(prefix));
    db.exec(audienceSchemaSql(prefix));
    this.s = prepareStatements(db, prefix);
    this.computed = openComputedTables(db, prefix);
    this.audiences = openAudienceTables(db, prefix);
    this.writeBatch = createBatchWriter(db, this.s, this.computed, this.audiences);
    this.profileView = openProfileView(db, prefix);
  }

  /** After any open commit group: a checkpoint is seen once its writes are committed, never before. */
  getCheckpoint(projector: string): Promise<Position | undefined> {
    return this.group.afterGroup(() => {
      const row = this.s.getCheckpoint.get(projector) as { position: string } | undefined;
      return row?.position;
    });
  }

  commit(batch: ReadModelBatch, checkpoint: Checkpoint): Promise<void> {
    return settle(() => {
      // Before the transaction function: inside it, better-sqlite3 has always begun one.
      this.group.assertIntact();
      this.guarded(() => this.commitWithFeed(batch, checkpoint));
    });
  }

  /** While the group's transaction is open, the membership sets it reads and writes are kept parsed (sqlite-audiences). */
  groupCommits<T>(work: () => Promise<T>, options?: GroupOptions): Promise<T> {
    return this.group.run(async () => {
      const opened = this.db.inTransaction && this.audiences.openCache();
      try {
        const result = await work();
        // A whole group's deferred rows, before its COMMIT (a failure here takes the group back, as any write's).
        if (opened) this.flushDeferred();
        return result;
      } finally {
        if (opened) {
          this.writeBatch.discard();
          this.audiences.dropCache();
        }
      }
    }, options?.wholeOnly === true);
  }

  /**
   * The rows a whole group deferred (sqlite-graph-rows.ts, the computed tables, the membership sets), written before
   * anything reads their tables on this connection: so every read inside the group (a scope load, the values and
   * states, the due query) sees every commit before it, as when each commit wrote its rows. Reads of the sets go
   * through the group's cache instead and need none.
   */
  private flushDeferred(tables?: readonly DeferredTable[]): void {
    if (!this.writeBatch.pending(tables)) return;
    this.group.assertIntact();
    this.guarded(() => this.writeBatch.flush(tables));
  }

  /** A read of tables (undefined: any) whose rows a whole group may defer: their deferred rows are written first. */
  private reading<T>(tables: readonly DeferredTable[] | undefined, read: () => T): Promise<T> {
    return settle(() => {
      this.flushDeferred(tables);
      return read();
    });
  }

  /**
   * A write that fails inside a group rolls back its savepoint, or (a whole group) leaves what its statements did
   * until the group rolls back: the sets kept may hold what it undid, and a whole group must not commit.
   */
  private guarded(write: () => void): void {
    try {
      write();
    } catch (error) {
      this.audiences.forgetCached();
      this.group.failed(error);
      throw error;
    }
  }

  getRederiveJob(projector: string): Promise<RederiveJob | undefined> {
    return settle(() => {
      const doc = this.s.getRederiveJob.get(projector) as string | undefined;
      return doc === undefined ? undefined : (JSON.parse(doc) as RederiveJob);
    });
  }

  listNodeKeys(after: IdentityKey | undefined, limit: number): Promise<IdentityKey[]> {
    return this.reading(['nodes'], () => this.s.nodeKeysAfter.all(after ?? '', limit) as IdentityKey[]);
  }

  /** A commit is one transaction: a crash leaves all of it or none, so nothing is ever left half done. */
  async completeInterruptedCommit(): Promise<void> {}

  getNodes(keys: IdentityKey[]): Promise<IdentityNode[]> {
    return this.reading(['nodes'], () => {
      if (keys.length !== 1) return parseAll(this.s.nodesByKeys.all(JSON.stringify(keys)));
      const doc = this.s.nodeByKey.get(keys[0]) as string | undefined;
      return doc === undefined ? [] : [JSON.parse(doc) as IdentityNode];
    });
  }

  getNodesOfGraphs(graphIds: IdentityKey[]): Promise<IdentityNode[]> {
    return this.reading(['nodes'], () => parseAll(this.s.nodesByGraphs.all(JSON.stringify(graphIds))));
  }

  getLinksTouching(keys: IdentityKey[]): Promise<LinkState[]> {
    return this.reading(['links'], () => {
      const list = JSON.stringify(keys);
      return parseAll(this.s.linksTouching.all(list, list));
    });
  }

  getFragmentsOfPrimaries(primaryKeys: IdentityKey[]): Promise<Fragment[]> {
    return this.reading(['fragments'], () => {
      const rows = this.s.fragmentsOf.all(JSON.stringify(primaryKeys)) as {
        primary_key: string;
        source: string;
        doc: string;
      }[];
      return rows.map((r) => ({ primaryKey: r.primary_key, source: r.source, doc: JSON.parse(r.doc) }));
    });
  }

  getEventStats(primaryKeys: IdentityKey[]): Promise<EventStats[]> {
    return this.reading(['stats'], () => {
      const rows = this.s.statsOf.all(JSON.stringify(primaryKeys)) as {
        primary_key: string;
        count: number;
        last_event_at: number;
        last_position: string;
      }[];
      return rows.map((r) => ({
        primaryKey: r.primary_key,
        count: r.count,
        lastEventAt: r.last_event_at,
        lastPosition: r.last_position,
      }));
    });
  }

  getItemsOfIdentities(keys: IdentityKey[], query: ItemIndexQuery = {}): Promise<ItemIndexEntry[]> {
    return settle(() => {
      const rows = this.s.itemsOf.all({
        keys: JSON.stringify(keys),
        before: query.recordedBefore ?? Number.MAX_SAFE_INTEGER,
        eventIds: query.eventIds === undefined ? null : JSON.stringify(query.eventIds),
        limit: query.limit ?? -1,
      }) as ItemIndexRow[];
      return rows.map((r) => ({
        identityKey: r.identity_key,
        eventId: r.event_id,
        position: r.position,
        recordedAt: r.recorded_at,
        stream: r.stream,
        revision: r.revision,
      }));
    });
  }

  async getNode(key: IdentityKey): Promise<IdentityNode | undefined> {
    return (await this.getNodes([key]))[0];
  }

  getProfile(graphId: IdentityKey): Promise<ProfileRecord | undefined> {
    return this.reading(['profiles'], () => {
      const row = this.s.profile.get(graphId) as ProfileRow | undefined;
      return row && toProfile(row);
    });
  }

  getProfileJson(graphId: IdentityKey): Promise<string | undefined> {
    return this.reading(['profiles'], () => {
      const doc = this.s.profileDoc.get(graphId) as string | undefined;
      return doc === undefined ? undefined : profileJsonOf(doc, graphId);
    });
  }

  getProfileView(key: IdentityKey, withComputed: boolean): Promise<ProfileView | undefined> {
    // On a file the view reads on a connection of its own, which sees committed rows only (sqlite-profile-view.ts).
    return this.db.memory ? this.reading(undefined, () => this.profileView.read(key, withComputed)) : settle(() => this.profileView.read(key, withComputed));
  }

  listProfiles(query: ListProfilesQuery): Promise<Page<ProfileRecord>> {
    return this.reading(['profiles'], () => {
      assertLimit(query.limit);
      const after = decodeProfilesCursor(query.cursor) ?? '';
      const rows = this.s.profilesAfter.all(after, query.limit + 1) as ProfileRow[];
      return profilePage(rows.map(toProfile), query.limit);
    });
  }

  queryEvents(query: EventsQuery): Promise<Page<TimelineEvent>> {
    return settle(() => queryTimeline(this.s, query));
  }

  getGraph(graphId: IdentityKey): Promise<GraphView> {
    return graphFromParts(this, graphId);
  }

  /** After any open commit group: the erasure checkpoints the WAL and may VACUUM, which no transaction may enclose. */
  eraseSubjects(erasure: SubjectErasure): Promise<void> {
    const erase = () =>
      this.group.afterGroup(() => {
        if (erasure.feed) this.eraseFromFeed(erasure.identityKeys, erasure.feed);
        eraseInSqlite(this.db, this.prefix, erasure);
      });
    // Its wal_checkpoint(TRUNCATE) must not meet the checkpointer's own checkpoint (it would leave the WAL as it is).
    return this.checkpointer ? this.checkpointer.paused(erase) : erase();
  }

  /** Before the profiles go: the subject's current profile ids are read from them. */
  private eraseFromFeed(identityKeys: IdentityKey[], feed: FeedErasure): void {
    const p = this.prefix;
    this.db.transaction(() => {
      const current = (this.db
        .prepare(`SELECT json_extract(doc, '$.profileId') AS id FROM ${p}profiles WHERE graph_id IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(identityKeys)) as { id: string }[]).map((r) => r.id);
      const checkpoint = (this.db.prepare(`SELECT max(pos) AS pos FROM ${p}checkpoints`).get() as { pos: string | null }).pos ?? '';
      this.feed.erase(feed, checkpoint, current);
    })();
  }

  /** The feed's reads wait for any open commit group: a reader is only ever handed committed items. */
  readChanges(query: ChangeQuery): Promise<ChangeItem[]> {
    return this.group.afterGroup(() => this.feed.read(query));
  }

  profilesNamedInFeed(profileIds: string[]): Promise<string[]> {
    return this.group.afterGroup(() => this.feed.named(profileIds));
  }

  getChange(id: string): Promise<ChangeItem | undefined> {
    return this.group.afterGroup(() => this.feed.get(id));
  }

  lastChangeId(): Promise<string | undefined> {
    return this.group.afterGroup(() => this.feed.lastId());
  }

  countChangesAfter(after: string | undefined): Promise<number> {
    return this.group.afterGroup(() => this.feed.countAfter(after));
  }

  getComputedStates(primaryKeys: IdentityKey[]): Promise<ComputedStateRow[]> {
    return this.reading(['states'], () => this.computed.states(primaryKeys));
  }

  getComputedValues(graphIds: IdentityKey[]): Promise<ComputedValuesRow[]> {
    return this.reading(['values'], () => this.computed.values(graphIds));
  }

  getDueComputed(now: number, limit: number): Promise<ComputedValuesRow[]> {
    return this.reading(['values'], () => this.computed.due(now, limit));
  }

  getComputedBackfills(): Promise<ComputedBackfill[]> {
    return settle(() => this.computed.backfills());
  }

  commitComputed(writes: ComputedWrites): Promise<void> {
    return this.commitAfterCheckpoint(writes.changes, (defer) => this.computed.write(writes, defer));
  }

  countProfiles(): Promise<number> {
    return this.reading(['profiles'], () => this.computed.countProfiles());
  }

  getMemberships(graphIds: IdentityKey[]): Promise<MembershipRow[]> {
    return settle(() => this.audiences.ofGraphs(graphIds));
  }

  getMembershipsAsOf(graphId: IdentityKey, asOf: number): Promise<MembershipRow[]> {
    return settle(() => this.audiences.ofGraphAt(graphId, asOf));
  }

  listMembers(query: MembersQuery): Promise<Page<MembershipRow>> {
    return settle(() => this.audiences.members(query));
  }

  getMembershipIntervals(graphIds: IdentityKey[]): Promise<MembershipRow[]> {
    return settle(() => this.audiences.intervals(graphIds));
  }

  countMembers(audienceIds: string[]): Promise<Map<string, number>> {
    return settle(() => this.audiences.count(audienceIds));
  }

  getAudienceBackfills(): Promise<AudienceBackfill[]> {
    return settle(() => this.audiences.backfills());
  }

  commitAudiences(writes: AudienceWrites): Promise<void> {
    return this.commitAfterCheckpoint(writes.changes, (defer) => this.audiences.write(writes, defer));
  }

  /**
   * A write outside the projector's batches (commitComputed, commitAudiences): fenced by the lease, with its feed
   * items numbered after the checkpoint, in one transaction (a savepoint inside a commit group, checked intact).
   * Inside a whole group its rows wait with the group's (`defer`): written at once, an older deferred row of the same
   * key would overwrite it when the group flushes.
   */
  private commitAfterCheckpoint(changes: readonly TimedDraft[] | undefined, write: (defer: boolean) => void): Promise<void> {
    return settle(() => {
      this.group.assertIntact();
      const bare = this.group.bare;
      const commit = () => {
        this.lease.assertFence();
        write(bare);
        this.feed.appendAfterCheckpoint(changes ?? []);
      };
      this.guarded(() => (bare ? commit() : this.db.transaction(commit)()));
    });
  }

  acquireLease(request: LeaseRequest): Promise<LeaseGrant | undefined> {
    return settle(() => this.lease.acquire(request));
  }

  renewLease(): Promise<boolean> {
    return settle(() => this.lease.renew());
  }

  releaseLease(): Promise<void> {
    return settle(() => this.lease.release());
  }

  readLease(projector: string): Promise<LeaseState | undefined> {
    return settle(() => this.lease.read(projector));
  }

  async close(): Promise<void> {
    this.lease.close();
    this.profileView.close();
    await this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }
}

export async function openSqliteReadStore(file: string, options?: ReadStoreOptions): Promise<ReadStore> {
  const prefix = modelPrefix(options);
  return settle(() => {
    const db = new Database(file);
    let checkpointer: WalCheckpointer | undefined;
    try {
      db.pragma('journal_mode = WAL');
      // A power cut may lose the last commits, writes and checkpoint together: the projector re-applies them.
      db.pragma('synchronous = NORMAL');
      const throwaway = options?.durability === 'throwaway';
      // A rebuild target in its own file: no fsync at all, and the WAL checkpointed every 10,000 pages, not 1,000.
      // Otherwise a thread checkpoints it, and the projector's COMMITs only when it falls behind (the backstop).
      db.pragma('wal_autocheckpoint = 10000');
      if (throwaway) db.pragma('synchronous = OFF');
      db.pragma('busy_timeout = 5000');
      // Rows rewritten or deleted leave no old copy in the file, so an erasure need not vacuum (sqlite-erasure.ts).
      db.pragma('secure_delete = ON');
      const created = holdsNoReadModels(db);
      checkpointer = throwaway ? undefined : WalCheckpointer.start(file);
      const store = new SqliteReadStore(db, prefix, checkpointer);
      if (created) markScrubbed(db);
      return store;
    } catch (error) {
      void checkpointer?.close().finally(() => db.close());
      if (!checkpointer) db.close();
      throw error;
    }
  });
}

function parseAll<T>(docs: unknown[]): T[] {
  return docs.map((doc) => JSON.parse(doc as string) as T);
}

function toProfile(row: ProfileRow): ProfileRecord {
  return { graphId: row.graph_id, createdAt: row.created_at, updatedAt: row.updated_at, doc: JSON.parse(row.doc) };
}
