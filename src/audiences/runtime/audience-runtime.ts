import {
  anonymousDefinitionsOf,
  audienceCountDefinitions,
  buildDependencyIndex,
  directlyAffected,
  evolveDefinitions,
  initialDefinitions,
  type AudienceDefinitionEvent,
  type AudienceDefinitions,
  type AudienceEngine,
  type ProfileChange,
  type Transition,
  type TransitionCause,
} from '../../../projections/audiences';
import { compileDefinition, type CompiledDefinition } from '../../../projections/computed-attributes';
import { decode, type DecodedEvent } from '../../events';
import type { EventStore } from '../../event-store/event-store.port';
import { comparePositions, type Position } from '../../event-store';
import type { AudienceBackfill, AudienceWrites, ComputedWrites, ReadModelBatch, ReadStore } from '../../read-store/read-store.port';
import type { SettledQuestion } from '../../read-models';
import { decodeProfilesCursor } from '../../read-store';
import { AUDIENCES_STREAM } from '../audience-definitions.service';
import { changeOfItems, itemsByGraph, movedValues, reshapedProfiles } from './batch-change';
import { HeldMemberships } from './held-memberships';
import { membershipStep, mergeWrites, type Gone, type MembershipStep, type ProfileAfter } from './membership-writes';

const BACKFILL_PAGE = 100;
const TICK_MS = 200;
/** How long one round may spend on backfill pages before batches get their turn. */
const BACKFILL_SLICE_MS = 20;
const REDERIVE_PAGE = 500;

/** What the audience runtime needs of the computed-attribute runtime: the one window engine. */
export interface WindowEngine {
  /** Every anonymous count in force, and those an audience backfill is still building for existing profiles. */
  setExtraDefinitions(definitions: CompiledDefinition[], building: CompiledDefinition[]): void;
  /** Values of whole graphs now (named and anonymous), building what the states lack; the writes to commit. */
  refresh(graphIds: string[]): Promise<ComputedWrites>;
  /** The same as of `now`, applying no lapse (just before one that is about to move them). */
  refreshAt(graphIds: string[], now: number): Promise<ComputedWrites>;
}

export function isAudienceDefinitionEvent(decoded: DecodedEvent): boolean {
  return decoded.event.type === 'AudienceSaved' || decoded.event.type === 'AudienceDeleted';
}

/**
 * The projector's side of audiences: the definitions in force at its checkpoint, the memberships every batch moves
 * (for the profiles it wrote), the moves of what time alone changed (lapses, computed backfills), and the backfill
 * of new or changed audiences. Runs inside the projector's exclusive section, like the computed runtime.
 */
export class AudienceRuntime {
  private definitions: AudienceDefinitions = initialDefinitions();
  private engine: AudienceEngine = { definitions: this.definitions, index: buildDependencyIndex(this.definitions) };
  private backfills = new Map<string, AudienceBackfill>();
  /** Told of every transition as it is decided (the change feed may listen); none by default. */
  onTransitions?: (transitions: readonly Transition[]) => void;
  private ticker?: NodeJS.Timeout;

  constructor(
    private readonly log: EventStore,
    private readonly store: ReadStore,
    private readonly windows: WindowEngine,
  ) {}

  async load(checkpoint: Position | undefined): Promise<void> {
    let state = initialDefinitions();
    if (checkpoint !== undefined) {
      for (const r of await this.log.readStream(AUDIENCES_STREAM)) {
        if (comparePositions(r.position, checkpoint) > 0) break;
        state = evolveDefinitions(state, decode(r).event as AudienceDefinitionEvent, r.recordedAt.toISOString());
      }
    }
    this.backfills = new Map((await this.store.getAudienceBackfills()).map((b) => [b.audienceId, b]));
    this.use(state);
  }

  /** A definition saved or deleted, at its log time: a fresh backfill, or the exits of a deleted audience's members. */
  async define(decoded: DecodedEvent): Promise<AudienceWrites> {
    const event = decoded.event as AudienceDefinitionEvent;
    const at = decoded.recordedAt.getTime();
    this.use(evolveDefinitions(this.definitions, event, decoded.recordedAt.toISOString()));
    const audienceId = event.data.audienceId;
    const cause: TransitionCause = { kind: 'definition', position: decoded.position, eventId: decoded.eventId };
    if (event.type === 'AudienceDeleted') {
      this.backfills.delete(audienceId);
      this.tellCounts();
      return mergeWrites(await this.exitMembers(audienceId, at, cause), { backfills: { delete: [audienceId] } });
    }
    const total = await this.store.countProfiles();
    // Entries the backfill decides are dated at the definition's log time, with its position (API.md: enteredAt).
    const backfill: AudienceBackfill = { audienceId, version: event.data.version, status: total === 0 ? 'ready' : 'backfilling', done: 0, total, definedAt: at, cause: { position: decoded.position, eventId: decoded.eventId } };
    this.backfills.set(audienceId, backfill);
    this.tellCounts();
    return { backfills: { upsert: [backfill] } };
  }

  /**
   * The memberships a batch of items moved, for the profiles it wrote: a profile the batch created, merged or split
   * is evaluated against every audience; any other only against the audiences that read what the batch changed
   * (attribute paths its records wrote, namespaces its items named, its events' types, computed values that moved).
   * Every profile the batch deleted exits, dated at the item that removed it. Called before the batch commits (the
   * store still holds the old values).
   */
  async afterBatch(
    writes: ReadModelBatch,
    segment: readonly DecodedEvent[],
    /** The stored values of the batch's graphs before it, when the batch's scope loaded them (else they are read). */
    stored?: ReadonlyMap<string, { values: Record<string, unknown> }>,
    /** Per graph id (before or after), the item its transitions are dated at (the projector's parts give it). */
    lastItems?: ReadonlyMap<string, DecodedEvent>,
    /** The memberships the store holds for the batch's graphs, when the projector's window keeps them (else read). */
    held?: HeldMemberships,
  ): Promise<AudienceWrites | undefined> {
    if (this.definitions.byId.size === 0 || segment.length === 0) return undefined;
    const last = segment[segment.length - 1]!;
    const upserts = writes.profiles?.upsert ?? [];
    const gone = writes.profiles?.delete ?? [];
    const values = new Map((writes.computed?.values?.upsert ?? []).map((v) => [v.graphId, v.values]));
    const before = new Map<string, Record<string, unknown>>();
    if (stored) for (const p of upserts) {
      const row = stored.get(p.graphId);
      if (row) before.set(p.graphId, row.values);
    }
    else for (const v of await this.store.getComputedValues(upserts.map((p) => p.graphId))) before.set(v.graphId, v.values);
    const reshaped = reshapedProfiles(writes);
    const byGraph = itemsByGraph(writes, segment);
    let batchChange: ProfileChange | undefined;
    const cause = (kind: TransitionCause['kind'], item = last): TransitionCause => ({ kind, position: item.position, eventId: item.eventId });
    const after: ProfileAfter[] = upserts.map((record) => {
      const profileId = String((record.doc as { profileId?: string }).profileId);
      const now = values.get(record.graphId) ?? before.get(record.graphId) ?? {};
      const items = byGraph.get(record.graphId);
      const item = lastItems?.get(record.graphId) ?? items?.last ?? last;
      const shape = reshaped?.get(profileId);
      const own = { cause: cause(shape && shape !== 'item' ? shape : 'item', item), at: item.recordedAt.getTime() };
      if (!reshaped || shape) return { record, values: now, ...own };
      // A profile no item of the batch named (loaded beside one) is held to everything the batch's items changed.
      const change = items?.change ?? (batchChange ??= changeOfItems(segment));
      return { record, values: now, ...own, change: { ...change, computed: movedValues(before.get(record.graphId) ?? {}, now) } };
    });
    const goneAt = gone.map((graphId) => {
      const item = lastItems?.get(graphId) ?? last;
      return { graphId, at: item.recordedAt.getTime(), cause: cause('merge', item) };
    });
    return this.step(after, goneAt, last.recordedAt.getTime(), cause(gone.length > 0 ? 'merge' : 'item'), { held });
  }

  /**
   * What a re-derivation of the graphs (a link rejected or withdrawn, new identity settings, an erasure) does to
   * memberships, to commit in the re-derivation's own batch: every profile it wrote is evaluated with `values` (its
   * graph's computed values as the batch leaves them, named and anonymous), every graph it removed exits. Read
   * before the batch commits; the transitions go to onTransitions. Undefined when no audience is defined.
   */
  async rederived(writes: ReadModelBatch, values: ReadonlyMap<string, Record<string, unknown>>, last: DecodedEvent, kind: TransitionCause['kind']): Promise<AudienceWrites | undefined> {
    if (this.definitions.byId.size === 0) return undefined;
    const cause: TransitionCause = { kind, position: last.position, eventId: last.eventId };
    const at = last.recordedAt.getTime();
    const upserts = writes.profiles?.upsert ?? [];
    let moved: AudienceWrites = { enter: [], exit: [] };
    for (let i = 0; i < Math.max(upserts.length, 1); i += REDERIVE_PAGE) {
      const page = upserts.slice(i, i + REDERIVE_PAGE);
      const gone = i === 0 ? writes.profiles?.delete ?? [] : [];
      moved = mergeWrites(moved, await this.step(page.map((record) => ({ record, values: values.get(record.graphId) ?? {} })), gone, at, cause));
    }
    return moved;
  }

  /**
   * What changed computed values without an item: a window lapse at `at` (cause `windowLapse`), or a backfill step of
   * a computed attribute's new definition (cause `definition`: the audiences reading it move because it was defined).
   */
  async afterValues(rows: ReadonlyArray<{ graphId: string; at: number; reason: 'windowLapse' | 'backfill'; cause?: { position?: string; eventId?: string } }>, writes: ComputedWrites): Promise<void> {
    if (this.definitions.byId.size === 0 || rows.length === 0) return;
    const values = new Map((writes.values?.upsert ?? []).map((v) => [v.graphId, v.values]));
    for (const { graphId, at, reason, cause: where } of rows) {
      const record = await this.store.getProfile(graphId);
      if (!record) continue;
      const cause: TransitionCause = reason === 'backfill' ? { kind: 'definition', ...(where ?? {}) } : { kind: 'windowLapse' };
      const step = await this.step([{ record, values: values.get(graphId) ?? {} }], [], at, cause);
      if (step.enter!.length + step.exit!.length > 0) await this.store.commitAudiences(step);
    }
  }

  /**
   * Backfill pages for at most BACKFILL_SLICE_MS (at least one), so items queued meanwhile wait no longer than that.
   * Backfills at the same point of their walk (saved together) share a page: its profiles are read and their counts
   * refreshed once, then each audience is evaluated and committed in turn (an audience the previous one names sees
   * its memberships). True when backfilling is left: the next round comes at once.
   */
  async tick(now: number, clock: () => number = Date.now): Promise<boolean> {
    const until = clock() + BACKFILL_SLICE_MS;
    do {
      if (!(await this.backfillStep(now))) return false;
    } while (clock() < until);
    return !this.settled;
  }

  private async backfillStep(now: number): Promise<boolean> {
    const running = [...this.backfills.values()].filter((b) => b.status === 'backfilling');
    if (running.length === 0) return false;
    const group = running.filter((b) => b.cursor === running[0]!.cursor);
    const page = await this.store.listProfiles({ limit: BACKFILL_PAGE, cursor: group[0]!.cursor });
    const computed = await this.windows.refresh(page.items.map((p) => p.graphId));
    await this.store.commitComputed(computed);
    const values = new Map((computed.values?.upsert ?? []).map((v) => [v.graphId, v.values]));
    const after = page.items.map((record) => ({ record, values: values.get(record.graphId) ?? {} }));
    for (const backfill of group) {
      const cause: TransitionCause = { kind: 'definition', version: backfill.version, ...(backfill.cause ?? {}) };
      const step = await this.step(after, [], backfill.definedAt ?? now, cause, { audiences: [backfill.audienceId] });
      const done = backfill.done + page.items.length;
      const next: AudienceBackfill = page.nextCursor
        ? { ...backfill, done, cursor: page.nextCursor }
        : { ...backfill, status: 'ready', done, total: Math.max(done, backfill.total), cursor: undefined };
      this.backfills.set(next.audienceId, next);
      await this.store.commitAudiences({ ...step, backfills: { upsert: [next] } });
      if (next.status === 'ready') this.tellCounts();
    }
    return true;
  }

  /**
   * Before items touch these graphs: those a running backfill's walk has not reached yet (it walks by graph id) are
   * evaluated for it first, as the walk would, while the store holds them as they were (for every item since the
   * definition went through here first): an item never meets a profile the walk decides later, with whatever that
   * item changed, so entries and exits are those of a naive evaluation at the definition and at each item, whenever
   * the pages run. The walk passing them later finds nothing left to move. Before a lapse moves them (`at`: the
   * moment just before it), as they stood then. True when it wrote anything.
   */
  async backfillAhead(graphIds: readonly string[], at?: number): Promise<boolean> {
    const running = [...this.backfills.values()].filter((b) => b.status === 'backfilling');
    let wrote = false;
    for (const backfill of running) {
      if (backfill.definedAt === undefined || (at !== undefined && backfill.definedAt > at)) continue;
      const reached = decodeProfilesCursor(backfill.cursor);
      const ahead = [...new Set(graphIds)].filter((g) => reached === undefined || g > reached).sort();
      if (ahead.length === 0) continue;
      const records = (await Promise.all(ahead.map((g) => this.store.getProfile(g)))).filter((r) => r !== undefined);
      if (records.length === 0) continue;
      const refreshed = records.map((r) => r.graphId);
      const computed = await (at === undefined ? this.windows.refresh(refreshed) : this.windows.refreshAt(refreshed, at));
      await this.store.commitComputed(computed);
      const values = new Map((computed.values?.upsert ?? []).map((v) => [v.graphId, v.values]));
      const cause: TransitionCause = { kind: 'definition', version: backfill.version, ...(backfill.cause ?? {}) };
      const step = await this.step(records.map((record) => ({ record, values: values.get(record.graphId) ?? {} })), [], backfill.definedAt, cause, { audiences: [backfill.audienceId] });
      if (step.enter!.length + step.exit!.length > 0) await this.store.commitAudiences(step);
      wrote = true;
    }
    return wrote;
  }

  /** Backfill rounds run inside `exclusive` (the projector's lock), so they never interleave a batch. */
  startTicking(exclusive: <T>(work: () => Promise<T>) => Promise<T>, onError: (error: unknown) => void): void {
    if (this.ticker) return;
    let running = false;
    const tick = () => {
      if (running || this.settled) return;
      running = true;
      exclusive(() => this.tick(Date.now()))
        .then((more) => more && setImmediate(tick), onError)
        .finally(() => (running = false));
    };
    this.ticker = setInterval(tick, TICK_MS);
    this.ticker.unref();
  }

  stopTicking(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** Whether any audience is defined (then a batch evaluates each graph once per part: commitSegment). */
  get active(): boolean {
    return this.definitions.byId.size > 0;
  }

  /**
   * Whether an item can move a profile's memberships: some audience reads an attribute path, a namespace or an event
   * type it names, or (an event) some computed value, which any event may move. Others leave every evaluation as it
   * was, so a batch need not end before the next item of the same profile (merges and splits count on their own).
   */
  mayMove(decoded: DecodedEvent): boolean {
    if (decoded.event.type === 'ExperienceEventIngested' && this.engine.index.byComputed.size > 0) return true;
    return directlyAffected(this.engine.index, this.definitions, changeOfItems([decoded])).size > 0;
  }

  /** The open memberships of a projector window's graphs, kept by the window from part to part. */
  holding(graphIds: readonly string[]): Promise<HeldMemberships> {
    return HeldMemberships.load(this.store, graphIds);
  }

  /**
   * Whether a graph's held memberships stand against its profile and values as they are now (the projector's
   * SegmentOptions.settled): the audiences that read what its items since the last question changed (attribute
   * paths, namespaces, event types, computed values that moved) are evaluated, as a part ending here would evaluate
   * them, and with them those naming an audience that moves.
   */
  stands(held: HeldMemberships, { graphId, profile, values, valuesBefore, items }: SettledQuestion): boolean {
    if (!profile) return held.of(graphId).length === 0;
    const change = { ...changeOfItems(items), computed: movedValues(valuesBefore, values) };
    return membershipStep(this.engine, held.of(graphId), [{ record: profile, values, change }], [], 0, { kind: 'item' }).transitions.length === 0;
  }

  get settled(): boolean {
    return [...this.backfills.values()].every((b) => b.status === 'ready');
  }

  /**
   * `audiences`: only these are evaluated (a backfill's); `held`: the window's copy of the memberships the store
   * holds for these graphs, read instead of the store.
   */
  private async step(after: ProfileAfter[], gone: readonly Gone[], at: number, cause: TransitionCause, options: { audiences?: string[]; held?: HeldMemberships } = {}): Promise<AudienceWrites> {
    const { audiences, held } = options;
    const graphIds = [...after.map((p) => p.record.graphId), ...gone.map((g) => (typeof g === 'string' ? g : g.graphId))];
    const before = held ? graphIds.flatMap((g) => held.of(g)) : await this.store.getMemberships(graphIds);
    const step: MembershipStep = membershipStep(this.engine, before, after, gone, at, cause, audiences);
    if (step.transitions.length > 0) this.onTransitions?.(step.transitions);
    return step.writes;
  }

  private async exitMembers(audienceId: string, at: number, cause: TransitionCause): Promise<AudienceWrites> {
    const exit: NonNullable<AudienceWrites['exit']> = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.listMembers({ audienceId, limit: 1000, cursor });
      for (const m of page.items) {
        exit.push({ audienceId, graphId: m.graphId, exitedAt: at, doc: { exitCause: cause } });
        const profileId = String((m.doc as { profileId?: string }).profileId);
        this.onTransitions?.([{ profileId, audienceId, kind: 'exited', at: new Date(at).toISOString(), cause }]);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return { exit };
  }

  private use(state: AudienceDefinitions): void {
    this.definitions = state;
    this.engine = { definitions: state, index: buildDependencyIndex(state) };
    this.tellCounts();
  }

  /**
   * The window engine counts every audience's event conditions; it builds from the timeline only those of audiences
   * still backfilling (any other profile's state holds them already, or no event of it ever matched them).
   */
  private tellCounts(): void {
    const backfilling = [...this.backfills.values()].filter((b) => b.status === 'backfilling').map((b) => this.definitions.byId.get(b.audienceId));
    const all = audienceCountDefinitions(this.definitions).map(compileDefinition);
    const building = new Set(anonymousDefinitionsOf(backfilling.filter((d) => d !== undefined).map((d) => d.condition)).map((d) => d.name));
    this.windows.setExtraDefinitions(all, all.filter((d) => building.has(d.name)));
  }
}

