import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { subjectHistory, type HistoryEntry, type HistoryStep } from '../../../projections/history';
import { identityKey, type IdentityRef } from '../../../projections/model';
import { badRequest } from '../../common';
import type { DecodedEvent } from '../../events';
import { comparePositions, isPosition } from '../../event-store';
import {
  evolveRules,
  graphItemOf,
  initialRules,
  profileRecordOf,
  rejectedPairs,
  type ProjectionRules,
} from '../../read-models';
import { decodeCursor, encodeCursor } from '../../read-store';
import { ComputedHistoryReader } from '../../computed-attributes';
import { AudienceMembershipsReader, HistoryLapsesReader, type DefinitionChange, type HistoryLapse, type HistoryTransition } from '../../audiences/audience-memberships.module';
import type { ComputedChange } from '../../../projections/computed-attributes';
import { AsOfReader } from '../as-of/as-of-reader';
import { SubjectLookup } from '../subject-lookup';
import { definitionItemBody, historyItemBody, lapseItemBody, type HistoryItemBody } from './history-response';

export interface ProfileHistoryBody {
  items: HistoryItemBody[];
  nextCursor: string | null;
}

export class GetProfileHistoryQuery extends Query<ProfileHistoryBody> {
  constructor(
    readonly namespace: string,
    readonly id: string,
    readonly params: { minPosition?: string; asOf?: number; limit: number; cursor?: string },
  ) {
    super();
  }
}

/**
 * The log events that shaped the profile, oldest first: the subject's closure and the rule events, folded step by
 * step with the pure history projection. Every page replays the subject's history (its cost, never the log's) and
 * serves the steps after the cursor's position.
 */
@QueryHandler(GetProfileHistoryQuery)
export class GetProfileHistoryHandler implements IQueryHandler<GetProfileHistoryQuery, ProfileHistoryBody> {
  constructor(
    private readonly lookup: SubjectLookup,
    private readonly asOf: AsOfReader,
    private readonly computedHistory: ComputedHistoryReader,
    private readonly memberships: AudienceMembershipsReader,
    private readonly lapses: HistoryLapsesReader,
  ) {}

  async execute({ namespace, id, params }: GetProfileHistoryQuery): Promise<ProfileHistoryBody> {
    const identity: IdentityRef = this.lookup.normalise(namespace, id);
    const after = params.cursor === undefined ? undefined : decodeHistoryCursor(params.cursor);
    await this.lookup.awaitPosition(params.minPosition);
    const { subject, items, ruleEvents } = await this.asOf.subjectLog(identity, params.asOf);
    const log = [...items, ...ruleEvents].sort((x, y) => comparePositions(x.position, y.position));
    const steps = subjectHistory(subject, historyRules(initialRules()), historyEntries(log));
    const refs = steps.map((s) => ({ index: s.index, joined: s.changes.joined, left: s.changes.left }));
    // Lapses up to the moment read (asOf, or now): each follows the step that left the profile as it was then.
    const lapses = await this.lapses.lapses(log, steps.map((s, n) => ({ ...refs[n]!, attributes: s.changes.attributes })), params.asOf ?? Date.now());
    const keys = identityKeysOf(log);
    const until = params.asOf ?? Infinity;
    const definitions = (await this.memberships.definitionChanges(keys)).filter((d) => Date.parse(d.at) < until);
    const entries = historyOrder(steps, lapses, definitions, (index) => log[index].position);
    const pending = entries.filter((e) => after === undefined || compareEntries(e, after) > 0);
    const page = pending.slice(0, params.limit);
    const computed = await this.computedHistory.changes(log, refs);
    const audiences = await this.memberships.transitionsByEvent(keys);
    const more = pending.length > params.limit;
    const last = page[page.length - 1];
    return {
      items: page.map((entry) => {
        if (entry.lapse) return lapseItemBody(entry.position, entry.lapse);
        if (entry.definition) return definitionItemBody(entry.definition);
        const step = entry.step!;
        return withAudiences(withComputed(historyItemBody(log[step.index], step), computed.get(step.index)), audiences.get(log[step.index].eventId));
      }),
      nextCursor: more && last ? encodeCursor([last.position, last.ordinal]) : null,
    };
  }
}

/**
 * A history entry in order: a step (a log entry), the n-th lapse after a step (ordinal n, at that step's position),
 * or an audience definition change that moved the profile (at its own position).
 */
interface OrderedEntry {
  position: string;
  ordinal: number;
  step?: HistoryStep;
  lapse?: HistoryLapse;
  definition?: DefinitionChange;
}

function historyOrder(steps: readonly HistoryStep[], lapses: readonly HistoryLapse[], definitions: readonly DefinitionChange[], positionOf: (index: number) => string): OrderedEntry[] {
  const byStep = new Map<number, HistoryLapse[]>();
  for (const l of lapses) byStep.set(l.afterIndex, [...(byStep.get(l.afterIndex) ?? []), l]);
  const ordered: OrderedEntry[] = steps.flatMap((step) => {
    const position = positionOf(step.index);
    return [{ position, ordinal: 0, step }, ...(byStep.get(step.index) ?? []).map((lapse, n) => ({ position, ordinal: n + 1, lapse }))];
  });
  if (definitions.length === 0) return ordered;
  return [...ordered, ...definitions.map((definition) => ({ position: definition.position, ordinal: 0, definition }))].sort(compareEntries);
}

function compareEntries(x: { position: string; ordinal: number }, y: { position: string; ordinal: number }): number {
  return comparePositions(x.position, y.position) || x.ordinal - y.ordinal;
}

/** The computed values the step changed, when it changed any (`changes.computed`: name, before, after). */
function withComputed(body: HistoryItemBody, computed: ComputedChange[] | undefined): HistoryItemBody {
  if (!computed) return body;
  const changes = Object.assign({}, body.changes, { computed });
  return { ...body, changes };
}

/** The audiences the step moved the profile into or out of, when it moved any (`changes.audiences`). */
function withAudiences(body: HistoryItemBody, audiences: HistoryTransition[] | undefined): HistoryItemBody {
  if (!audiences) return body;
  return { ...body, changes: Object.assign({}, body.changes, { audiences }) };
}

/** Every identity the subject's items name: membership rows are kept by the graph ids those identities had. */
function identityKeysOf(log: readonly DecodedEvent[]): string[] {
  return [...new Set(log.flatMap((decoded) => (graphItemOf(decoded)?.identities ?? []).map(identityKey)))];
}

/** Items as the history fold takes them; each rule event carries the rules in force after it. */
function historyEntries(log: readonly DecodedEvent[]): HistoryEntry[] {
  let rules = initialRules();
  return log.map((decoded) => {
    const item = graphItemOf(decoded);
    if (item) return { kind: 'item', item, record: profileRecordOf(decoded) };
    rules = evolveRules(rules, decoded);
    return { kind: 'rules', rules: historyRules(rules) };
  });
}

function historyRules(rules: ProjectionRules) {
  return { settings: rules.settings, rejected: rejectedPairs(rules) };
}

/** A page's cursor: the last entry served, [position, ordinal]; a cursor of earlier versions ([position]) still reads. */
function decodeHistoryCursor(cursor: string): { position: string; ordinal: number } {
  let key: { position: string; ordinal: number };
  try {
    const [position, ordinal] = decodeCursor<[string, number]>(cursor, ['string', 'number']);
    key = { position, ordinal };
  } catch {
    const [position] = decodeCursor<[string]>(cursor, ['string']);
    key = { position, ordinal: 0 };
  }
  if (!isPosition(key.position) || !Number.isInteger(key.ordinal) || key.ordinal < 0) throw badRequest('READ_STORE_BAD_CURSOR', 'The cursor is not one this query returned');
  return key;
}
