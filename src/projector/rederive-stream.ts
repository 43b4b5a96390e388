import { performance } from 'node:perf_hooks';
import type { IdentityKey } from '../../projections/model';
import { decode, type DecodedEvent } from '../events';
import type { EventStore } from '../event-store/event-store.port';
import type { Position } from '../event-store';
import type { ReadModelBatch, ReadStore, RederiveJob } from '../read-store';
import type { ProjectionContext } from '../read-models';
import { closureWrites } from './rederive';
import { Closure } from './rederive-closure';

/**
 * Items one chunk folds at most (a little more: a seed's closure is never cut). New items wait for the chunk in
 * progress, so it must stay well under a second; a log of fewer items is re-derived in the rule event's commit.
 */
export const CHUNK_ITEMS = 1_000;
/** A chunk between batches also stops taking seeds after this long (the machine may be slower than expected). */
export const CHUNK_MS = 60;
/**
 * Node keys read per step of a chunk: the first step reads 4, each next one twice as many up to 16 (fewer for small
 * chunks). A key brings a whole person's items and a step is never cut, so a fixed page of 64 made every chunk one
 * step of some 640 items (0.4 s on a loaded machine) whatever CHUNK_MS said; doubling overshoots the time bound by
 * about the time already spent, and the cap keeps one slow step (a cold page cache, a GC) to some 160 items (a
 * step of 32 keys once took 0.73 s at 1M events).
 */
const KEY_PAGE = 16;
const FIRST_KEY_PAGE = 4;
/**
 * Node keys one chunk lists at most, per item it may fold. Keys already re-derived ahead of the cursor (the other
 * identities of graphs walked before) bring no item, so a run of them would otherwise keep one chunk listing until
 * the next fresh key or the end: at 1M events, a chunk of 100,000 skipped keys held new items off for 1.5 s.
 */
const KEYS_PER_ITEM = 4;
/** Keys remembered as done ahead of the cursor; past it they are walked again (same result, more work). */
const MAX_DONE = 500_000;

export interface RederiveChunk {
  writes: ReadModelBatch;
  /** The job after this chunk; null when it was the last. */
  job: RederiveJob | null;
  /** Every identity the chunk re-derived. */
  covered: IdentityKey[];
}

/**
 * A re-derivation of every graph (a settings change, or a rule whose closure is too large), streamed in chunks so
 * its memory is one chunk's, not the log's. The walk goes over the node keys in key order: a chunk takes the next
 * keys after the job's cursor and re-derives their closure (rederive-closure.ts) from scratch under the current
 * rules, as of the checkpoint it runs at; it is committed with the job's new cursor, so a restart continues from
 * the last committed chunk.
 *
 * New items keep being projected between chunks, under the new rules, on graphs that may not be re-derived yet.
 * Why the end is still exactly a rebuild's: a graph is only ever wrong (folded in part under the old rules) while
 * some identity it held at the rule event lies beyond the cursor (any identity behind it was in a re-derived
 * closure, which a later join can only merge with graphs that are wrong themselves, so wrong ones keep such an
 * identity); the chunk that reaches it re-derives the whole closure as it is then. Once the cursor has passed every
 * key, no graph is wrong, and each re-derived one equals a fold of its items under the rules, which is a rebuild.
 * A crash loses nothing: the read models hold the committed chunks, the job row their cursor.
 */
export class StreamedRederivation {
  /** Identities ahead of the cursor already re-derived in this run (a restart forgets them: only work is lost). */
  private readonly done = new Set<IdentityKey>();

  constructor(
    private readonly log: EventStore,
    private readonly store: ReadStore,
    private readonly chunkItems = CHUNK_ITEMS,
    private readonly chunkMs = CHUNK_MS,
  ) {}

  /** A new walk for this rule, begun at `now` (epoch ms: health shows how long it has run). */
  static start(rule: DecodedEvent, now: number): RederiveJob {
    return { rule: rule.position, ruleStream: rule.stream, ruleRevision: rule.revision, chunks: 0, identities: 0, graphs: 0, startedAt: now };
  }

  /** The rule event a stored job re-derives for, read again from the log. */
  static async ruleOf(log: EventStore, job: RederiveJob): Promise<DecodedEvent> {
    const [recorded] = await log.readStream(job.ruleStream, { fromRevision: job.ruleRevision, limit: 1 });
    if (!recorded || recorded.position !== job.rule) throw new Error(`The rule event of a re-derivation is missing from the log at ${job.rule}`);
    return decode(recorded);
  }

  /** A new rule replaces a running walk: the cursor starts over, and what this run did counts for nothing. */
  restart(): void {
    this.done.clear();
  }

  /**
   * The next chunk, as of `until` (the read models' checkpoint): nothing is written here. `timed`: it also ends
   * after CHUNK_MS or KEYS_PER_ITEM keys per item (the first chunk, in the rule event's commit, is bounded by items
   * alone, so a small log is always re-derived whole right there).
   */
  async next(job: RederiveJob, until: Position, ctx: ProjectionContext, timed = true): Promise<RederiveChunk> {
    const closure = new Closure(this.log, this.store, until);
    const seeds: IdentityKey[] = [];
    const deadline = timed ? performance.now() + this.chunkMs : Infinity;
    const maxKeys = timed ? this.chunkItems * KEYS_PER_ITEM : Infinity;
    let after = job.after;
    let page = Math.max(1, Math.min(FIRST_KEY_PAGE, Math.floor(this.chunkItems / 16)));
    let listed = 0;
    let finished = false;
    // Bounded by items, keys listed and time alike; the first step always runs, so every chunk moves the cursor
    // (a chunk that found only keys done ahead commits no writes, just its cursor).
    while (closure.size < this.chunkItems && listed < maxKeys && performance.now() < deadline) {
      const keys = await this.store.listNodeKeys(after, page);
      page = Math.max(page, Math.min(2 * page, KEY_PAGE, Math.floor(this.chunkItems / 16)));
      if (keys.length === 0) {
        finished = true;
        break;
      }
      listed += keys.length;
      after = keys[keys.length - 1];
      const fresh = keys.filter((k) => !closure.known.has(k) && !this.done.has(k));
      seeds.push(...fresh);
      await closure.grow(fresh);
    }
    const writes = seeds.length === 0 ? {} : await closureWrites(this.log, this.store, until, ctx, closure, seeds);
    const covered = [...closure.known];
    const graphs = (job.graphs ?? 0) + (writes.profiles?.upsert?.length ?? 0);
    const next = finished ? null : { ...job, after, chunks: job.chunks + 1, identities: job.identities + covered.length, graphs };
    return { writes, job: next, covered };
  }

  /** Once the chunk is committed: identities it covered ahead of the cursor are skipped when the walk gets there. */
  committed(chunk: RederiveChunk): void {
    const after = chunk.job?.after;
    if (after === undefined) return this.done.clear();
    if (this.done.size > MAX_DONE / 2) for (const key of this.done) if (key <= after) this.done.delete(key);
    for (const key of chunk.covered) if (key > after && this.done.size < MAX_DONE) this.done.add(key);
  }
}
