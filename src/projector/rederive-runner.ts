import type { Logger } from 'pino';
import type { DecodedEvent } from '../events';
import type { EventStore } from '../event-store/event-store.port';
import { comparePositions, type Position } from '../event-store';
import type { Checkpoint, ReadModelBatch, ReadStore, RederiveJob } from '../read-store';
import type { ProjectionContext } from '../read-models';
import { erasureNotices } from './erasure-notices';
import { parkOnRefusal, ProjectorParkedError } from './projector-parked';
import { rederivedChanges, rederivedTimedDrafts } from './rederive-changes';
import { StreamedRederivation } from './rederive-stream';
import type { RefreshFeed } from './rederive-refresh';

/** What the runner needs of its projector. */
export interface RederiveHooks {
  name: string;
  commit(writes: ReadModelBatch, checkpoint: Checkpoint): Promise<void>;
  /** The chunk's writes with the computed values and memberships of the graphs it rewrote, for the same commit. */
  refresh(writes: ReadModelBatch, rule: DecodedEvent, feed: RefreshFeed): Promise<ReadModelBatch>;
  /** Runs work between batches, never beside one. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  checkpoint(): Position | undefined;
  /** Resolves true once the read models have passed `position`, false after `timeoutMs`. */
  whenProcessed(position: Position, timeoutMs: number): Promise<boolean>;
  context(): ProjectionContext;
  /** The store refused a chunk for good: the projector parks (see projector-parked.ts). */
  park(error: ProjectorParkedError): void;
  logger?: Logger;
}

/**
 * Longest a chunk waits for the items logged before it to be projected first: new items go before the walk, but
 * a log written faster than it is projected must not hold the walk off for good.
 */
const YIELD_MS = 1_000;
/**
 * A breather between chunks: a request that came in during a chunk needs several turns of the event loop (and a
 * key write in the thread pool) before its item is in the log; a chunk holds the loop, so without this its item
 * could miss the next chunk's check and wait out one more (traced at 250k events: up to five). Costs the walk about
 * a tenth at 100 ms a chunk.
 */
const BREATHER_MS = 10;

/** Re-derivation progress for health: which rule, since when, how far. */
export interface RederiveProgress {
  rule: Position;
  /** Epoch ms; undefined for a job stored before walks kept it. */
  startedAt?: number;
  chunks: number;
  identities: number;
  graphs: number;
}

/** The progress a stored job records. */
export function progressOf(job: RederiveJob): RederiveProgress {
  return { rule: job.rule, ...(job.startedAt === undefined ? {} : { startedAt: job.startedAt }), chunks: job.chunks, identities: job.identities, graphs: job.graphs ?? 0 };
}

/**
 * Runs a streamed re-derivation (rederive-stream.ts) for the projector: its first chunk in the rule event's own
 * commit, the rest between batches, one chunk per turn of the projector's lock, so a batch of new items waits for
 * at most one chunk. Each chunk's commit also holds the computed values and memberships it moves
 * (rederive-refresh.ts). A pass of the projector loads the job the read models hold and carries on with it.
 */
export class RederiveRunner {
  private job?: RederiveJob;
  private rule?: DecodedEvent;
  private readonly stream: StreamedRederivation;
  private running?: Promise<void>;
  private stopping = false;
  /** Ends a chunk's wait for new items at once when the runner stops. */
  private wakeOnStop?: () => void;
  private finishedWaiters: Array<() => void> = [];

  constructor(
    private readonly log: EventStore,
    private readonly store: ReadStore,
    private readonly hooks: RederiveHooks,
    chunkItems?: number,
    chunkMs?: number,
  ) {
    this.stream = new StreamedRederivation(log, store, chunkItems, chunkMs);
  }

  get active(): boolean {
    return this.job !== undefined;
  }

  get progress(): RederiveProgress | undefined {
    return this.job && progressOf(this.job);
  }

  /** At the start of a pass: the job the last committed chunk left, if any. */
  async load(): Promise<void> {
    this.job = await this.store.getRederiveJob(this.hooks.name);
    this.rule = this.job && (await StreamedRederivation.ruleOf(this.log, this.job));
    if (!this.job) this.notifyFinished();
  }

  /** At a rule event that concerns every graph: a new walk (replacing any running one), its first chunk committed with the event. */
  async begin(rule: DecodedEvent): Promise<void> {
    this.stream.restart();
    const chunk = await this.stream.next(StreamedRederivation.start(rule, Date.now()), rule.position, this.hooks.context(), false);
    chunk.writes.changes = await rederivedChanges(this.store, chunk.writes, rule);
    chunk.writes.changes.push(...erasureNotices(rule, chunk.writes.changes));
    const writes = await this.hooks.refresh(chunk.writes, rule, 'atRule');
    // Taken on before the commit: a reader woken by the checkpoint passing the rule already sees the walk running.
    const previous = { job: this.job, rule: this.rule };
    [this.job, this.rule] = [chunk.job ?? undefined, rule];
    try {
      await parkOnRefusal(rule, () => this.hooks.commit({ ...writes, rederiveJob: chunk.job }, { projector: this.hooks.name, position: rule.position }));
    } catch (error) {
      [this.job, this.rule] = [previous.job, previous.rule];
      throw error;
    }
    this.stream.committed(chunk);
    if (this.job) this.ensureRunning();
    else this.notifyFinished();
  }

  /** Chunks between batches until the walk is done or the runner is stopped. */
  ensureRunning(): void {
    this.stopping = false;
    if (this.job) this.running ??= this.run().finally(() => (this.running = undefined));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeOnStop?.();
    await this.running;
  }

  /** Resolves true once no re-derivation is left, false after `timeoutMs`. */
  whenFinished(timeoutMs: number): Promise<boolean> {
    if (!this.job) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.finishedWaiters = this.finishedWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.finishedWaiters.push(done);
    });
  }

  private async run(): Promise<void> {
    let backoff = 50;
    while (this.job && !this.stopping) {
      try {
        await this.hooks.exclusive(() => this.chunk());
        backoff = 50;
      } catch (error) {
        if (error instanceof ProjectorParkedError) return this.hooks.park(error);
        this.hooks.logger?.error({ err: String(error), projector: this.hooks.name }, 're-derivation chunk failed; retrying');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5_000);
      }
      await this.yieldToNewItems();
    }
  }

  /**
   * Between chunks: items logged by now are projected before the next chunk. Without this wait the next chunk
   * took the lock first whenever an item's request came in while a chunk held the event loop (its append, wake-up
   * and batch need a few turns of it, the next chunk one), so the item waited out two chunks.
   */
  private async yieldToNewItems(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, BREATHER_MS));
    const [head, at] = [await this.log.headPosition(), this.hooks.checkpoint()];
    if (this.stopping || head === undefined || at === undefined || comparePositions(head, at) <= 0) return;
    const stopped = new Promise<void>((resolve) => (this.wakeOnStop = resolve));
    await Promise.race([this.hooks.whenProcessed(head, YIELD_MS), stopped]);
    this.wakeOnStop = undefined;
  }

  /** One chunk as of the checkpoint, committed with its progress; the checkpoint stays where it is. */
  private async chunk(): Promise<void> {
    const job = this.job;
    const rule = this.rule;
    const at = this.hooks.checkpoint();
    if (!job || !rule || !at || this.stopping) return;
    const chunk = await this.stream.next(job, at, this.hooks.context());
    const changesAfterCheckpoint = await rederivedTimedDrafts(this.store, chunk.writes, rule);
    const writes = await this.hooks.refresh({ ...chunk.writes, changesAfterCheckpoint }, rule, 'afterCheckpoint');
    await parkOnRefusal(rule, () => this.hooks.commit({ ...writes, rederiveJob: chunk.job }, { projector: this.hooks.name, position: at, step: job.chunks + 1 }));
    this.stream.committed(chunk);
    this.job = chunk.job ?? undefined;
    if (!this.job) this.notifyFinished();
  }

  private notifyFinished(): void {
    this.finishedWaiters.splice(0).forEach((w) => w());
  }
}
