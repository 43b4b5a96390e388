import type { Logger } from 'pino';
import type { IdentityKey } from '../../projections/model';
import { scopeGraphIds } from '../../projections/identity-graph';
import type { Transition } from '../../projections/audiences';
import { decode, type DecodedEvent, UnknownEventTypeError } from '../events';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port';
import { comparePositions, type Position } from '../event-store';
import { isPermanentStoreError, ReadModelFencedError, type ReadModelBatch, type ReadStore } from '../read-store';
import { BatchChangeFeed, carryScope, evolveRules, fragmentKey, isRuleEvent, projectSegment, rejectedPairs, type LoadedScope, type ProjectionContext, type ProjectionRules, type SegmentOptions } from '../read-models';
import { ComputedRuntime, isComputedDefinitionEvent } from '../computed-attributes';
import { AudienceRuntime, isAudienceDefinitionEvent, type HeldMemberships } from '../audiences/runtime';
import { loadScope } from './batch-scope';
import { parkOnRefusal, ProjectorParkedError, type ParkedAt } from './projector-parked';
import { loadRules } from './load-rules';
import { rederivedChanges } from './rederive-changes';
import { feedingAudienceStore, withAudienceChanges } from './audience-feed';
import { rederiveGraphs } from './rederive';
import { RederiveRunner, type RederiveProgress } from './rederive-runner';
import { withRefresh } from './rederive-refresh';
import { takeBatches } from './take-batches';
import { TimerHead } from './timer-head';
import { PositionWaiters } from './position-waiters';
import { signallingWrites } from './feed-signal';
import { erasureNotices } from './erasure-notices';
import { LeaseKeeper, type LeaseRole, type ProjectorLeaseOptions } from './lease-keeper';

export interface ProjectorOptions {
  /** Names the checkpoint; a rebuild beside the live models uses another name and model version. */
  name?: string;
  batchSize?: number;
  /** How long a batch may wait for more events when the log is busy (take-batches.ts); default 2 ms, 0 for none. */
  lingerMs?: number;
  /**
   * Fill every batch to `batchSize` until the subscription has caught up with the log as it was at the start of the
   * pass (a rebuild: the log is there already, and fewer, larger commits rewrite each graph's rows fewer times).
   */
  fillBatchesUntilCaughtUp?: boolean;
  /** Items a chunk of a streamed re-derivation folds, and how long one between batches may take (rederive-stream.ts). */
  rederiveChunkItems?: number;
  rederiveChunkMs?: number;
  logger?: Logger;
  profileIdOf(graphId: IdentityKey): string;
  /** Called after every committed batch (metrics). */
  onCommit?(info: { events: number; position: Position; ms: number }): void;
  /**
   * Run only while holding the read models' projector lease (the live projector, in-process or its own process);
   * absent (a rebuild into its own model version, tests), it runs unconditionally.
   */
  lease?: ProjectorLeaseOptions;
}

export const MAIN_PROJECTOR = 'profiles';
/**
 * Items a part of a segment loads its scope for, when parts can end early (commitSegment). Every part pays for the
 * whole window (its profiles walk the window's graphs, carryScope its nodes; its feed indexed the window's fragments
 * too, before the window's feed was carried from part to part), and with audiences a part is one or two items: 50 instead of 500 cut the fifty-audience fold by ~10 %
 * (alternating runs), the extra scope loads costing less. A window's end is a part's end, like a batch's, so the
 * read models and feeds are the same whatever its size.
 */
const PART_WINDOW = 50;
/** Single-event load: batches of a few events, each its own read-model transaction, cost more than 2 ms of waiting. */
const DEFAULT_LINGER_MS = 2;

/**
 * Feeds the read models from the log: subscribes from its checkpoint, pulls with back-pressure (`for await`),
 * folds each batch with the pure projections and commits the writes together with the checkpoint. Any failure
 * (a dropped subscription, a store error) ends the pass; the next pass resumes from the committed checkpoint
 * after a backoff, so nothing is skipped and nothing is applied twice.
 */
export class Projector {
  private readonly name: string;
  private readonly batchSize: number;
  private readonly waiters = new PositionWaiters();
  private rules!: ProjectionRules;
  private loopDone?: Promise<void>;
  private stopping = false;
  private closeSubscription?: () => Promise<void>;
  private readonly keeper?: LeaseKeeper;
  /** Set when the lease moved on under this projector: the pass ends and it stands by. */
  private leaseLost = false;
  /** Ends a standby's wait early (stop). */
  private wake?: () => void;
  /** Computed attributes: definitions, engine states, the timer queue of lapses and backfills (between batches). */
  private readonly computed: ComputedRuntime;
  /** Audiences: definitions, the memberships each batch, lapse and backfill moves (projections/audiences). */
  private readonly audiences: AudienceRuntime;
  /** Told after every commit that may have added feed items: in-process feed readers wake at once, not at a poll. */
  private readonly feedListeners = new Set<() => void>();
  /** A settings change's re-derivation of every graph, in chunks between batches (rederive-runner.ts). */
  private readonly rederiving: RederiveRunner;
  lastError?: string;
  /** Set when the store refused an event's writes for good: the projector stopped there (see ProjectorParkedError). */
  parkedAt?: ParkedAt;
  unknownEvents = 0;
  /** Log time of the newest entry folded (epoch ms). */
  private foldedAt?: number;
  /** While a segment's commits are grouped: what to tell waiters and feed readers once the group is committed. */
  private grouped?: { position?: Position; fed: boolean };

  constructor(
    private readonly log: EventStore,
    private readonly store: ReadStore,
    private readonly options: ProjectorOptions,
  ) {
    this.name = options.name ?? MAIN_PROJECTOR;
    this.batchSize = options.batchSize ?? 500;
    if (options.lease) this.keeper = new LeaseKeeper(store, this.name, options.lease, options.logger);
    // Lapses and backfill steps write outside batches, through the runtimes: they signal the feed's readers too.
    const signalled = signallingWrites(store, () => this.feedWritten());
    this.computed = new ComputedRuntime(log, signalled, Date.now, options.profileIdOf, () => this.moment());
    const outsideBatches: Transition[] = [];
    this.audiences = new AudienceRuntime(log, feedingAudienceStore(signalled, outsideBatches), {
      setExtraDefinitions: (definitions, building) => this.computed.setExtraDefinitions(definitions, building),
      refresh: (graphIds) => this.computed.refresh(graphIds),
      refreshAt: (graphIds, now) => this.computed.refreshAt(graphIds, now),
    });
    this.audiences.onTransitions = (transitions) => void outsideBatches.push(...transitions);
    this.computed.setValuesListener((rows, writes) => this.audiences.afterValues(rows, writes));
    this.computed.setBeforeLapse((graphIds, at) => this.audiences.backfillAhead(graphIds, at));
    this.rederiving = new RederiveRunner(log, store, {
      name: this.name,
      commit: async (writes, checkpoint) => {
        if (checkpoint.step === undefined) return this.commit(writes, checkpoint.position);
        await store.commit(writes, checkpoint);
        if (writes.changesAfterCheckpoint?.length) this.feedWritten();
      },
      refresh: (writes, rule, feed) => withRefresh(this.computed, this.audiences, writes, rule, feed),
      exclusive: (work) => this.computed.exclusive(work),
      checkpoint: () => this.waiters.position,
      whenProcessed: (position, timeoutMs) => this.whenProcessed(position, timeoutMs),
      context: () => this.context(),
      park: (error) => this.park(error),
      logger: options.logger,
    }, options.rederiveChunkItems, options.rederiveChunkMs);
  }

  /** A streamed re-derivation in progress (new items are projected meanwhile), for health. */
  get rederivation(): RederiveProgress | undefined {
    return this.rederiving.progress;
  }

  get checkpoint(): Position | undefined {
    return this.waiters.position;
  }

  get running(): boolean {
    return this.loopDone !== undefined;
  }

  /** Running and, under a lease, holding it: only then do its checkpoint and waiters follow the read models. */
  get active(): boolean {
    return this.running && (this.keeper === undefined || this.keeper.role === 'active');
  }

  /** Under a lease: this process's part (active or standby), its name in the lease, its token while active. */
  get lease(): { role: LeaseRole; holder: string; token?: number } | undefined {
    return this.keeper && { role: this.keeper.role, holder: this.keeper.holder, ...(this.keeper.role === 'active' ? { token: this.keeper.token } : {}) };
  }

  start(): void {
    this.stopping = false;
    this.loopDone ??= this.keeper ? this.leased(this.keeper) : this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.closeSubscription?.();
    await this.loopDone;
    this.loopDone = undefined;
    this.waiters.cancelAll();
  }

  /** `listener` runs after each commit that may have grown the change feed; the returned function unsubscribes. */
  onFeedWritten(listener: () => void): () => void {
    this.feedListeners.add(listener);
    return () => void this.feedListeners.delete(listener);
  }

  private feedWritten(): void {
    if (this.grouped) {
      this.grouped.fed = true;
      return;
    }
    for (const listener of this.feedListeners) listener();
  }

  /** Resolves true once the read models cover `position`, false after `timeoutMs`. */
  whenProcessed(position: Position, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(position, timeoutMs);
  }

  /**
   * Resolves once everything in the log at call time is in the read models, a streamed re-derivation included
   * (false on timeout).
   */
  async whenIdle(timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const head = await this.log.headPosition();
    if (head !== undefined && !(await this.whenProcessed(head, timeoutMs))) return false;
    if (!(await this.rederiving.whenFinished(Math.max(0, deadline - Date.now())))) return false;
    // Items fold as of their log time: the lapses since then (a rebuild's, mostly) are due by now. Only the holder
    // of the lease writes; a failure is the ticker's to retry, as any tick's.
    if (!this.active) return true;
    try {
      await this.computed.exclusive(() => this.computed.applyLapsesDue());
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      return false;
    }
    return true;
  }

  /**
   * The moment lapses and backfills run at: the clock once every logged entry is folded; while the projector is
   * behind (a rebuild, a catch-up), the log time folded so far, so no lapse is applied ahead of an item logged
   * before it (undefined until the first entry is folded).
   */
  private async moment(): Promise<number | undefined> {
    const head = await this.log.headPosition();
    const checkpoint = this.waiters.position;
    if (head === undefined || (checkpoint !== undefined && comparePositions(checkpoint, head) >= 0)) return Date.now();
    return this.foldedAt;
  }

  /**
   * Stands by until the lease is free, then projects while it holds it. When the lease moves on (a renewal finds
   * it gone, or the store fences a write) the pass ends where its last commit left the read models, and it stands
   * by again; the new holder resumes from that checkpoint. Parked, it keeps the lease: a standby would park at the
   * same event.
   */
  private async leased(keeper: LeaseKeeper): Promise<void> {
    while (!this.stopping) {
      if (!(await keeper.tryAcquire())) {
        await this.pause(keeper.pollMs);
        continue;
      }
      this.leaseLost = false;
      keeper.keepRenewing(() => this.loseLease());
      await this.loop();
      while (this.parkedAt && !this.stopping && !this.leaseLost) await this.pause(keeper.pollMs);
      if (this.stopping) await keeper.release();
      else keeper.stepDown('fenced');
    }
  }

  private loseLease(): void {
    this.leaseLost = true;
    void this.closeSubscription?.();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async loop(): Promise<void> {
    let backoff = 50;
    while (!this.stopping && !this.leaseLost) {
      try {
        await this.pass();
        backoff = 50;
      } catch (error) {
        if (error instanceof ProjectorParkedError) return this.park(error);
        if (error instanceof ReadModelFencedError || this.leaseLost) {
          this.options.logger?.warn({ projector: this.name, err: String(error) }, 'projector stepping down: the lease moved on');
          this.leaseLost = true;
          return;
        }
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.logger?.error({ err: this.lastError, projector: this.name }, 'projector pass failed; resuming');
        // A stop ends the wait (pause): a failing store must not hold stop() for up to the longest backoff.
        if (!this.stopping) await this.pause(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  /** Health reports the parking (lastError) until an operator restarts the projector. */
  private park(error: ProjectorParkedError): void {
    this.parkedAt = error.at;
    this.lastError = error.message;
    this.options.logger?.error({ projector: this.name, ...error.at }, 'projector parked: the read store refuses this event for good');
  }

  private async pass(): Promise<void> {
    // Before anything is loaded: a batch a crash left half written would otherwise be folded over its own half.
    await this.store.completeInterruptedCommit(this.name);
    const checkpoint = await this.store.getCheckpoint(this.name);
    // Before the checkpoint wakes anyone: whenIdle must find the re-derivation a crash left running.
    await this.rederiving.load();
    if (checkpoint !== undefined) this.waiters.advance(checkpoint);
    this.rules = await loadRules(this.log, checkpoint);
    await this.computed.load(checkpoint);
    await this.audiences.load(checkpoint);
    this.computed.startTicking((error) => this.options.logger?.error({ err: String(error), projector: this.name }, 'computed attributes tick failed'));
    this.audiences.startTicking((work) => this.computed.exclusive(work), (error) => this.options.logger?.error({ err: String(error), projector: this.name }, 'audience backfill failed'));
    const subscription = this.log.subscribeToAll({ after: checkpoint });
    this.closeSubscription = () => subscription.close();
    // A stop (or a lost lease) that came while this pass was loading closed no subscription, or the last pass's:
    // with nothing past the checkpoint the loop below would wait for the next event, and stop() with it, for good.
    if (this.stopping || this.leaseLost) await subscription.close();
    let behind = this.options.fillBatchesUntilCaughtUp === true;
    if (behind) void subscription.caughtUp.then(() => (behind = false));
    this.rederiving.ensureRunning();
    try {
      for await (const batch of takeBatches(subscription, this.batchSize, { lingerMs: this.options.lingerMs ?? DEFAULT_LINGER_MS, fillWhile: () => behind })) {
        await this.computed.exclusive(() => this.applyBatch(batch));
        this.lastError = undefined;
        if (this.stopping) break;
        // The embedded stores answer synchronously, so a catch-up is one unbroken chain of microtasks: give the
        // event loop a turn after every batch, or the HTTP server in the same process starves until the end.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      await subscription.close();
      await this.rederiving.stop();
      this.audiences.stopTicking();
      await this.computed.stopTicking();
    }
  }

  /** Splits the batch at rule events: items are folded incrementally, a rule change re-derives every graph. */
  private async applyBatch(batch: RecordedEvent[]): Promise<void> {
    const started = Date.now();
    let segment: DecodedEvent[] = [];
    let segmentEnd: Position | undefined;
    /** Commits the items gathered so far: an event with writes of its own goes in after them, at its position. */
    const flush = async () => {
      const [items, end] = [segment, segmentEnd];
      if (end !== undefined) await this.commitGrouped(items, end);
      segment = [];
      segmentEnd = undefined;
    };
    /**
     * Before an entry committed on its own: the items gathered so far, then the lapses due by its log time, so a lapse
     * is committed after the entry it follows in log time (its feed ids are numbered there), as in a live run.
     */
    const flushBefore = async (recorded: RecordedEvent) => {
      await flush();
      await this.computed.applyLapses(recorded.recordedAt.getTime());
    };
    for (const recorded of batch) {
      const decoded = this.decodeOrCount(recorded);
      const notices = decoded ? erasureNotices(decoded) : [];
      if (decoded && isRuleEvent(decoded)) {
        await flushBefore(recorded);
        this.folding(recorded.recordedAt.getTime());
        this.rules = evolveRules(this.rules, decoded);
        const writes = await rederiveGraphs(this.log, this.store, decoded, this.context());
        if (!writes) {
          await this.rederiving.begin(decoded);
          continue;
        }
        // A running audience backfill decides the graphs the rule rewrites first, as they stand (not an erasure's:
        // its subject leaves every audience).
        if (decoded.event.type !== 'SubjectErased') await this.audiences.backfillAhead([...(writes.profiles?.upsert ?? []).map((p) => p.graphId), ...(writes.profiles?.delete ?? [])]);
        writes.changes = await rederivedChanges(this.store, writes, recorded);
        writes.changes.push(...erasureNotices(decoded, writes.changes));
        const refreshed = await withRefresh(this.computed, this.audiences, writes, decoded, 'atRule');
        await parkOnRefusal(decoded, () => this.commit(refreshed, recorded.position));
      } else if (notices.length > 0) {
        // An erasure that re-derives nobody: its notices still go in at its position, in their own commit.
        await flushBefore(recorded);
        await this.commit({ changes: notices }, recorded.position);
      } else if (decoded && isComputedDefinitionEvent(decoded)) {
        await flushBefore(recorded);
        this.folding(recorded.recordedAt.getTime());
        await this.commit({ computed: await this.computed.define(decoded) }, recorded.position);
      } else if (decoded && isAudienceDefinitionEvent(decoded)) {
        await flushBefore(recorded);
        this.folding(recorded.recordedAt.getTime());
        const defined: ReadModelBatch = {};
        defined.audiences = await withAudienceChanges(this.audiences, defined, () => this.audiences.define(decoded), recorded);
        await this.commit(defined, recorded.position);
      } else {
        if (decoded) segment.push(decoded);
        segmentEnd = recorded.position;
      }
    }
    await flush();
    this.options.onCommit?.({ events: batch.length, position: batch[batch.length - 1].position, ms: Date.now() - started });
  }

  /**
   * Events that change no read model (merge policies, unknown types) still move the checkpoint. The items fold in
   * parts (projectSegment ends one early where a lapse must go first, or, with audiences, where a graph an item
   * that could move its memberships touched comes again and those memberships would move: the window's held
   * memberships answer that without a read), each after the lapses due by its first item's log time: so memberships
   * and values are the same whatever the batch boundaries, live or in a rebuild.
   */
  private async commitSegment(segment: DecodedEvent[], end: Position, whole: boolean): Promise<void> {
    if (segment.length === 0) return this.commit({}, end);
    // Parts can be short: the scope is loaded for a window of items and kept from one part to the next.
    const partial = this.context().computed !== undefined || this.audiences.active;
    let rest = segment;
    let window: { scope: LoadedScope; left: number; feed: BatchChangeFeed; held?: HeldMemberships } | undefined;
    const head = new TimerHead(this.store);
    while (rest.length > 0) {
      const until = rest[0]!.recordedAt.getTime();
      // Without definitions nothing is due (applyLapses reads nothing either); else only when the head says so.
      const due = this.context().computed !== undefined && (await head.dueBy(until));
      const { applied } = due ? await this.computed.applyLapses(until) : { applied: 0 };
      if (applied > 0) head.forget();
      const ctx = this.context();
      if (!window || window.left === 0) {
        const items = partial ? rest.slice(0, PART_WINDOW) : rest;
        let scope = await this.scopeOf(items, ctx);
        // A running audience backfill decides the graphs these items touch first, as they stand: then load them again.
        if (await this.audiences.backfillAhead(scopeGraphIds(scope.graph.nodes.values()))) {
          head.forget();
          scope = await this.scopeOf(items, ctx);
        }
        const held = this.audiences.active ? await this.audiences.holding(scopeGraphIds(scope.graph.nodes.values())) : undefined;
        window = { scope, left: items.length, feed: new BatchChangeFeed(scope, ctx.profileIdOf, fragmentKey), held };
      } else if (applied > 0) {
        await this.computed.reloadValues(window.scope);
        await window.held?.reload(scopeGraphIds(window.scope.graph.nodes.values()));
      }
      const options: SegmentOptions = { feed: window.feed };
      const held = window.held;
      if (held) {
        options.movesMemberships = (d) => this.audiences.mayMove(d);
        options.settled = (question) => this.audiences.stands(held, question);
      }
      if (ctx.computed) options.timerQueue = { soonest: await head.soonest() };
      const { writes, folded, lastItems } = projectSegment(window.scope, rest.slice(0, window.left), ctx, options);
      const part = rest.slice(0, folded);
      rest = rest.slice(folded);
      window.left -= folded;
      // The stored values before the part, as the scope holds them: audiences compare with them (no second read).
      const stored = window.scope.computedValues;
      writes.audiences = await withAudienceChanges(this.audiences, writes, () => this.audiences.afterBatch(writes, part, stored, lastItems, held));
      const kept = await this.commitPart(part, writes, rest.length === 0 ? end : part[part.length - 1]!.position, whole);
      if (!kept) {
        window = undefined;
        head.forget();
      } else {
        head.committed(writes.computed?.values);
        window.held?.committed(writes.audiences);
        if (window.left > 0) carryScope(window.scope, writes);
      }
      this.folding(part[part.length - 1]!.recordedAt.getTime());
    }
  }

  /**
   * When the store refuses a part's writes for good, the part is committed again one event at a time, to find and
   * name the event it refuses (the ones before it are committed, so the checkpoint stops right before it). False
   * when it was committed so. In a whole group the refusal takes the group back instead (commitGrouped).
   */
  private async commitPart(part: DecodedEvent[], writes: ReadModelBatch, end: Position, whole: boolean): Promise<boolean> {
    try {
      await this.commit(writes, end);
      return true;
    } catch (error) {
      if (whole || !isPermanentStoreError(error)) throw error;
      for (const event of part) {
        const eventCtx = this.context();
        const { writes: own, lastItems: its } = projectSegment(await this.scopeOf([event], eventCtx), [event], eventCtx);
        own.audiences = await withAudienceChanges(this.audiences, own, () => this.audiences.afterBatch(own, [event], undefined, its));
        await parkOnRefusal(event, () => this.commit(own, event.position));
      }
      await this.commit({}, end);
      return false;
    }
  }

  /**
   * A segment's parts, committed as one whole group (ReadStore.groupCommits `wholeOnly`: on SQLite no savepoint per
   * part, ~15 % of the fifty-audience fold, where nearly every item is a part). A refusal takes that group back; the
   * items past the checkpoint it left (all of them on SQLite; MongoDB keeps the parts before the refused one) are
   * folded again from the store, each part on its own, so the refused event is found and named (commitPart) with
   * every part and event before it committed, as before. The runtimes keep nothing of what was rolled back: their
   * writes go through the store, and a fresh window, timer head and lapses are read again.
   */
  private async commitGrouped(items: DecodedEvent[], end: Position): Promise<void> {
    try {
      await this.grouping(() => this.commitSegment(items, end, true), true);
    } catch (error) {
      if (!isPermanentStoreError(error)) throw error;
      this.options.logger?.warn({ projector: this.name, through: end, err: error.message }, 'projector folding a segment again part by part: the read store refused a write in it');
      const checkpoint = await this.store.getCheckpoint(this.name);
      const left = checkpoint === undefined ? items : items.filter((e) => comparePositions(e.position, checkpoint) > 0);
      await this.grouping(() => this.commitSegment(left, end, false), false);
    }
  }

  /**
   * Runs a segment's commits as one group (ReadStore.groupCommits: on SQLite one transaction, each part at its own
   * position, a savepoint each unless the group is whole). Everything commitSegment awaits is the read store (scopes,
   * lapses, the parts' commits), never the log or a timer, so the group never stays open across a macrotask. Waiters and feed readers hear of
   * the parts once the group is committed: before, a request could be answered from a checkpoint that a failed
   * COMMIT then took back. On an error, the store's checkpoint says which parts it kept.
   */
  private async grouping(work: () => Promise<void>, wholeOnly: boolean): Promise<void> {
    const told: { position?: Position; fed: boolean } = { fed: false };
    this.grouped = told;
    try {
      await this.store.groupCommits(work, { wholeOnly });
    } catch (error) {
      told.position = await this.store.getCheckpoint(this.name).catch(() => undefined);
      told.fed = true;
      throw error;
    } finally {
      this.grouped = undefined;
      if (told.position !== undefined) this.waiters.advance(told.position);
      if (told.fed) this.feedWritten();
    }
  }

  private folding(at: number): void {
    if (this.foldedAt === undefined || at > this.foldedAt) this.foldedAt = at;
    this.computed.foldingAt(at);
  }

  private async commit(writes: ReadModelBatch, position: Position): Promise<void> {
    await this.store.commit(writes, { projector: this.name, position });
    if (this.grouped) this.grouped.position = position;
    else this.waiters.advance(position);
    if (writes.changes?.length) this.feedWritten();
  }

  private context(): ProjectionContext {
    return {
      settings: this.rules.settings,
      rejected: rejectedPairs(this.rules),
      profileIdOf: this.options.profileIdOf,
      computed: this.computed.context(),
    };
  }

  private async scopeOf(segment: DecodedEvent[], ctx: ProjectionContext) {
    const scope = await loadScope(this.store, segment);
    await this.computed.attach(scope, ctx.computed);
    return scope;
  }

  /**
   * True once every computed-attribute backfill and any streamed re-derivation are done (a rebuild waits for it
   * before it counts as complete).
   */
  get computedSettled(): boolean {
    return this.computed.settled && this.audiences.settled && !this.rederiving.active;
  }

  /** An event type this version does not know is counted and logged, never silently dropped. */
  private decodeOrCount(recorded: RecordedEvent): DecodedEvent | undefined {
    try {
      return decode(recorded);
    } catch (error) {
      if (!(error instanceof UnknownEventTypeError)) throw error;
      this.unknownEvents++;
      this.options.logger?.warn({ type: error.type, position: recorded.position }, 'projector skipped an unknown event type');
      return undefined;
    }
  }
}
