import {
  compiledDefinitions,
  evolveComputedDefinitions,
  type CompiledDefinition,
  type ComputedContext,
  type ComputedDefinitionEvent,
  type ComputedDefinitionsState,
} from '../../../projections/computed-attributes';
import type { DecodedEvent } from '../../events';
import type { EventStore } from '../../event-store/event-store.port';
import type { Position } from '../../event-store';
import type { IdentityKey } from '../../../projections/model';
import type { TimedDraft } from '../../../projections/change-feed';
import { nodesAfterBatch, type LoadedScope } from '../../read-models';
import type { ComputedBackfill, ComputedStateRow, ComputedValuesRow, ComputedWrites, JsonDocument, ReadModelBatch, ReadStore } from '../../read-store/read-store.port';
import { definitionsAt } from './definitions-in-force';
import { loadStates, refreshGraphs } from './graph-refresh';
import { valueChangesOf } from './value-changes';

/**
 * What changed these graphs' values without an item: `windowLapse` (at: the moment an entry left or entered its
 * window) or `backfill` (a definition created or changed; at: the backfill step's now).
 */
export type ValuesListener = (rows: ValuesMove[], writes: ComputedWrites) => Promise<void>;

export interface ValuesMove {
  graphId: string;
  at: number;
  reason: 'windowLapse' | 'backfill';
  /** A backfill's: the definition change's place in the log. */
  cause?: { position?: string; eventId?: string };
}

/** A re-derivation's computed writes, its computed.changed items, and the values of every graph it rewrote. */
export interface RederivedValues {
  writes: ComputedWrites;
  changes: TimedDraft[];
  values: Map<IdentityKey, JsonDocument>;
}

/** Lapses and backfill steps run this often between batches; a lapse applies within a second of falling due. */
export const TICK_MS = 200;
const LAPSES_PER_TICK = 500;
/** Rounds of lapses one tick applies (one moment each) before yielding. */
const LAPSE_ROUNDS = 20;
const BACKFILL_PAGE = 20;
const REDERIVE_CHUNK = 500;
/** How long one round may spend on backfill pages before batches get their turn (freshness stays low meanwhile). */
const BACKFILL_SLICE_MS = 20;

/**
 * The projector's side of computed attributes: the definitions in force at its checkpoint, the engine states of
 * each batch's identities, the timer queue of lapses and the backfill of new or changed definitions. Everything it
 * writes outside a batch is time-driven (no log entry), so the projector runs it between batches, never beside one.
 */
export class ComputedRuntime {
  private definitions!: ComputedDefinitionsState;
  private compiled: CompiledDefinition[] = [];
  private extra: CompiledDefinition[] = [];
  private extraBuilding: CompiledDefinition[] = [];
  private backfills = new Map<string, ComputedBackfill>();
  private lock: Promise<unknown> = Promise.resolve();
  private ticker?: NodeJS.Timeout;
  private ticking = false;
  private valuesListener?: ValuesListener;
  /** Told of the graphs a lapse is about to move, and the moment just before it, ahead of the lapse itself. */
  private beforeLapse?: (graphIds: string[], at: number) => Promise<unknown>;
  /** The moment time-driven work last ran at, or the log time of the last entry folded: never moves back. */
  private current?: number;

  constructor(
    private readonly log: EventStore,
    private readonly store: ReadStore,
    private readonly clock: () => number = Date.now,
    /** The public profile id of a graph: names the profile in the `computed.changed` items written here. */
    private readonly profileIdOf: (graphId: string) => string = (graphId) => graphId,
    /**
     * The moment lapses and backfills may run at: the clock once every logged entry is folded, else the log time
     * folded so far (a rebuild, a catch-up), so a lapse never runs ahead of items logged before it; undefined: wait.
     */
    private readonly moment: () => Promise<number | undefined> = async () => clock(),
  ) {}

  /** The projector folds a log entry logged at `at`: work outside items (re-derivations) runs as of then. */
  foldingAt(at: number): void {
    if (this.current === undefined || at > this.current) this.current = at;
  }

  /** At the start of a projector pass: the definitions as of its checkpoint and the backfills in progress. */
  async load(checkpoint: Position | undefined): Promise<void> {
    this.definitions = await definitionsAt(this.log, checkpoint);
    this.compiled = compiledDefinitions(this.definitions);
    this.backfills = new Map((await this.store.getComputedBackfills()).map((b) => [b.name, b]));
  }

  /** Told what time alone changed (lapses at their due moment, backfill steps at the tick's now), after each write. */
  setValuesListener(listener: ValuesListener): void {
    this.valuesListener = listener;
  }

  /**
   * Runs before a lapse moves these graphs, with the moment just before it: another projection decides them as they
   * stand first (an audience backfill that has not reached them yet). It may commit what refreshAt gives.
   */
  setBeforeLapse(hook: (graphIds: string[], at: number) => Promise<unknown>): void {
    this.beforeLapse = hook;
  }

  /** The values of whole graphs as of `now`, building what their states lack, no lapse applied: writes to commit. */
  async refreshAt(graphIds: string[], now: number): Promise<ComputedWrites> {
    const definitions = this.all;
    return definitions.length === 0 ? {} : refreshGraphs(this.store, graphIds, { definitions, now }, this.backfilling());
  }

  /**
   * The values of whole graphs at the projector's moment (named and anonymous), building what their states lack:
   * writes to commit. The lapses due by then are applied first, each at its own moment, so that a backfill or a
   * re-derivation never folds one into its own step.
   */
  async refresh(graphIds: string[]): Promise<ComputedWrites> {
    const ctx = this.context();
    if (!ctx) return {};
    await this.applyLapses(ctx.now);
    return refreshGraphs(this.store, graphIds, ctx, this.backfilling());
  }

  /**
   * Anonymous definitions another projection evaluates with the same engine (audiences' event conditions), and those
   * of them still being built for existing profiles (an audience backfill running): only those are built from the
   * timeline where a state lacks them. Once built everywhere, a state without one means no event of it matched.
   */
  setExtraDefinitions(definitions: CompiledDefinition[], building: CompiledDefinition[] = definitions): void {
    this.extra = definitions;
    this.extraBuilding = building;
  }

  get all(): CompiledDefinition[] {
    return this.extra.length === 0 ? this.compiled : [...this.compiled, ...this.extra];
  }

  /**
   * The definitions and the projector's moment (items fold at their own log time instead); undefined when none are
   * defined (then the batch pays nothing for them).
   */
  context(): ComputedContext | undefined {
    const definitions = this.all;
    return definitions.length === 0 ? undefined : { definitions, now: this.current ?? this.clock() };
  }

  /** Loads the engine states of every identity of the batch's scope. */
  async attach(scope: LoadedScope, ctx: ComputedContext | undefined): Promise<void> {
    if (!ctx) return;
    scope.computed = await loadStates(this.store, [...scope.graph.nodes.keys()], ctx, this.backfilling());
    await this.reloadValues(scope);
  }

  /**
   * The values the read model holds now for the scope's graphs: the batch's computed.changed items are the
   * differences from them (again after lapses were applied beside a scope the projector keeps using).
   */
  async reloadValues(scope: LoadedScope): Promise<void> {
    const graphIds = [...new Set([...scope.graph.nodes.values()].map((n) => n.graphId))];
    const rows = graphIds.length === 0 ? [] : await this.store.getComputedValues(graphIds);
    scope.computedValues = new Map(rows.map((r) => [r.graphId, { values: r.values, dueAt: r.dueAt }]));
  }

  /** A definition saved or deleted: the writes (a fresh backfill record) to commit with its log position. */
  async define(decoded: DecodedEvent): Promise<ComputedWrites> {
    const event = decoded.event as ComputedDefinitionEvent;
    this.definitions = evolveComputedDefinitions(this.definitions, event);
    this.compiled = compiledDefinitions(this.definitions);
    const name = event.data.name;
    if (event.type === 'ComputedAttributeDeleted') {
      this.backfills.delete(name);
      return { backfills: { delete: [name] } };
    }
    const total = await this.store.countProfiles();
    const backfill: ComputedBackfill = {
      name,
      version: event.data.version,
      status: total === 0 ? 'ready' : 'backfilling',
      done: 0,
      total,
      definedAt: decoded.recordedAt.getTime(),
      cause: { position: decoded.position, eventId: decoded.eventId },
    };
    this.backfills.set(name, backfill);
    return { backfills: { upsert: [backfill] } };
  }

  /**
   * What a re-derivation (a rule change, an erasure) does to computed values, to commit in the re-derivation's own
   * batch: the graphs it rewrote get their values now, over their members as the batch leaves them, and those it
   * removed lose theirs; the engine states are per primary identity, so none of them is rebuilt. Read before the
   * batch commits (the store still holds the values it replaces). `at` is the rule event's log time: the moment of
   * the computed.changed items. Undefined when no definition is in force.
   */
  async rederived(writes: ReadModelBatch, at: number): Promise<RederivedValues | undefined> {
    const ctx = this.context();
    if (!ctx) return undefined;
    // Lapses due before the rule event are transitions of the graphs as they were, each at its own moment, never
    // folded into the re-derivation's step (committed on their own first, as refresh does).
    await this.applyLapses(ctx.now);
    const graphIds = (writes.profiles?.upsert ?? []).map((p) => p.graphId);
    // A re-derivation writes whole closures: the nodes it writes are every member its graphs have. The store may
    // still hold others under those graph ids (an erased identity's node, until the erasure purges it): not members.
    const nodesOf = async (ids: IdentityKey[]) => nodesAfterBatch([], writes.nodes, ids);
    const previous: ComputedValuesRow[] = [];
    const states: ComputedStateRow[] = [];
    const values: ComputedValuesRow[] = [];
    const gone = [...(writes.profiles?.delete ?? [])];
    // Paged reads (a chunk of a walk, or a closure of many graphs), one set of writes.
    for (let i = 0; i < graphIds.length; i += REDERIVE_CHUNK) {
      const page = graphIds.slice(i, i + REDERIVE_CHUNK);
      previous.push(...(await this.store.getComputedValues(page)));
      const refreshed = await refreshGraphs(this.store, page, ctx, this.backfilling(), nodesOf);
      states.push(...(refreshed.states?.upsert ?? []));
      values.push(...(refreshed.values?.upsert ?? []));
      gone.push(...(refreshed.values?.delete ?? []));
    }
    const computed: ComputedWrites = { states: { upsert: states }, values: { upsert: values, delete: gone } };
    return {
      writes: computed,
      changes: valueChangesOf(previous, computed, this.all, this.profileIdOf, () => at),
      values: new Map(values.map((v) => [v.graphId, v.values])),
    };
  }

  /** Whether any backfill is still running (rebuilds wait for none). */
  get settled(): boolean {
    return [...this.backfills.values()].every((b) => b.status === 'ready');
  }

  /** Runs `work` after everything queued before it: batches and time-driven work never interleave. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Ticks now (lapses that fell due while the projector was down apply at once), then every TICK_MS. */
  startTicking(onError: (error: unknown) => void): void {
    if (this.ticker) return;
    const tick = () => {
      if (this.ticking) return;
      this.ticking = true;
      this.exclusive(() => this.tick())
        .then((more) => more && setImmediate(tick), onError)
        .finally(() => (this.ticking = false));
    };
    this.ticker = setInterval(tick, TICK_MS);
    this.ticker.unref();
    tick();
  }

  async stopTicking(): Promise<void> {
    clearInterval(this.ticker);
    this.ticker = undefined;
    await this.lock;
  }

  /**
   * One round of time-driven work: every lapse due now, then backfill pages for at most BACKFILL_SLICE_MS, so items
   * queued meanwhile wait no longer than that. True when backfilling is left: the next round comes at once.
   */
  async tick(): Promise<boolean> {
    if (this.all.length === 0) return false;
    const moment = await this.moment();
    if (moment === undefined) return false;
    this.foldingAt(moment);
    const ctx = this.context()!;
    // A backfill step after a lapse still due by now would number its items ahead of that lapse's (at the same
    // checkpoint, at a later moment): lapses left come first, at once.
    if ((await this.applyLapses(ctx.now, LAPSE_ROUNDS)).left) return true;
    const until = this.clock() + BACKFILL_SLICE_MS;
    while (this.clock() < until) if (!(await this.backfillStep(ctx))) return false;
    return !this.settled;
  }

  /**
   * Applies the window changes due at or before `until`, one moment after another: each round takes the graphs due
   * at the soonest moment (by graph id, at most LAPSES_PER_TICK) and computes their values as of that moment (not
   * as of `until`), so every lapse is a transition of its own, dated exactly, and a live run, a restart and a
   * rebuild record the same ones. One moment per round also numbers their feed items alike whatever the timing: a
   * live timer meets the moments one by one, a rebuild all at once, and each commit's items (computed values, then
   * each graph's audience moves) follow the previous commit's in moment order (numberAfterCheckpoint). The projector
   * calls it before folding items logged at `until`. At most `rounds` rounds: answers how many graphs' lapses it
   * applied, and whether some are left.
   */
  async applyLapses(until: number, rounds = Infinity): Promise<{ applied: number; left: boolean }> {
    const definitions = this.all;
    let applied = 0;
    if (definitions.length === 0) return { applied, left: false };
    for (let round = 0; round < rounds; round++) {
      const due = await this.store.getDueComputed(until, LAPSES_PER_TICK);
      if (due.length === 0) return { applied, left: false };
      const moment = due[0]!.dueAt ?? until;
      const now = due.filter((d) => (d.dueAt ?? until) === moment);
      applied += now.length;
      await this.beforeLapse?.(now.map((d) => d.graphId), moment - 1);
      const writes = await refreshGraphs(this.store, now.map((d) => d.graphId), { definitions, now: moment }, this.backfilling());
      await this.store.commitComputed(this.withChanges(now, writes, () => moment));
      await this.valuesListener?.(now.map((d) => ({ graphId: d.graphId, at: moment, reason: 'windowLapse' as const })), writes);
    }
    return { applied, left: true };
  }

  /** Every lapse due by the moment (the clock, once the log is folded): whenIdle waits for them. */
  async applyLapsesDue(): Promise<void> {
    const moment = await this.moment();
    if (moment === undefined) return;
    this.foldingAt(moment);
    await this.applyLapses(moment);
  }

  /**
   * One page of profiles for every backfill at the same point of its walk (those started together walk together:
   * a page computes every definition still backfilling at once). False when no backfill is running.
   */
  private async backfillStep(ctx: ComputedContext): Promise<boolean> {
    const running = [...this.backfills.values()].filter((b) => b.status === 'backfilling');
    if (running.length === 0) return false;
    const group = running.filter((b) => b.cursor === running[0].cursor);
    const page = await this.store.listProfiles({ limit: BACKFILL_PAGE, cursor: group[0].cursor });
    const graphIds = page.items.map((p) => p.graphId);
    const previous = graphIds.length === 0 ? [] : await this.store.getComputedValues(graphIds);
    const writes = this.withChanges(previous, await refreshGraphs(this.store, graphIds, ctx, this.backfilling()), () => ctx.now);
    const next = group.map((b): ComputedBackfill => {
      const done = b.done + page.items.length;
      return page.nextCursor
        ? { ...b, done, cursor: page.nextCursor }
        : { name: b.name, version: b.version, status: 'ready', done, total: Math.max(done, b.total), ...(b.definedAt === undefined ? {} : { definedAt: b.definedAt }), ...(b.cause ? { cause: b.cause } : {}) };
    });
    for (const b of next) this.backfills.set(b.name, b);
    await this.store.commitComputed({ ...writes, backfills: { upsert: next } });
    // Audiences the new values move are moved by the definition change (the latest of those walking together): dated
    // at its log time (API.md enteredAt), caused at its position.
    const latest = group.reduce((a, b) => ((b.definedAt ?? ctx.now) > (a.definedAt ?? ctx.now) ? b : a));
    const definedAt = latest.definedAt ?? ctx.now;
    await this.valuesListener?.(page.items.map((p) => ({ graphId: p.graphId, at: definedAt, reason: 'backfill' as const, ...(latest.cause ? { cause: latest.cause } : {}) })), writes);
    return true;
  }

  /** The writes, with the `computed.changed` items of what they change against `previous` (the rows they replace). */
  private withChanges(previous: readonly ComputedValuesRow[], writes: ComputedWrites, atOf: (graphId: string) => number): ComputedWrites {
    const changes = valueChangesOf(previous, writes, this.all, this.profileIdOf, atOf);
    return changes.length === 0 ? writes : { ...writes, changes };
  }

  /**
   * Definitions some backfill is still computing, named or anonymous (an audience backfill builds its own): a state
   * lacking them is built from the timeline first, once, and holds them afterwards.
   */
  private backfilling(): CompiledDefinition[] {
    const running = new Set([...this.backfills.values()].filter((b) => b.status === 'backfilling').map((b) => b.name));
    const named = this.compiled.filter((d) => running.has(d.name) || this.backfills.get(d.name)?.version !== d.version);
    return this.extraBuilding.length === 0 ? named : [...named, ...this.extraBuilding];
  }
}
