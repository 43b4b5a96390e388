import { Inject, Injectable } from '@nestjs/common';
import {
  audienceCountDefinitions,
  evolveDefinitions,
  initialDefinitions,
  lapseTransitions,
  type AudienceDefinitionEvent,
  type AudienceDefinitions,
} from '../../projections/audiences';
import {
  compileDefinition,
  compiledDefinitions,
  computedTimeline,
  evolveComputedDefinitions,
  initialComputedDefinitions,
  publicValues,
  type CompiledDefinition,
  type ComputedChange,
  type ComputedDefinitionEvent,
  type HistoryLogEntry,
} from '../../projections/computed-attributes';
import { parseIdentityKey } from '../../projections/model';
import { unflattenLeaves } from '../../projections/unified-profile';
import { decode, type DecodedEvent } from '../events';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store.port';
import { timelineEventOf } from '../read-models';
import { COMPUTED_ATTRIBUTES_STREAM } from '../computed-attributes';
import { AUDIENCES_STREAM } from './audience-definitions.service';
import type { HistoryTransition } from './audience-memberships.reader';

/** A history step as the lapse walk needs it: its entry, the identities it moved, the attribute leaves it changed. */
export interface LapseStepRef {
  index: number;
  joined: readonly string[];
  left: readonly string[];
  attributes: ReadonlyArray<{ path: string; after: unknown }>;
}

/** A moment time alone changed the profile (no log entry): the values it changed and the audiences it moved. */
export interface HistoryLapse {
  /** Index in the subject's log of the step it follows. */
  afterIndex: number;
  at: number;
  computed: ComputedChange[];
  audiences: HistoryTransition[];
}

interface DefinitionsChange {
  at: number;
  /** Named computed attributes and every audience's anonymous counts, one array per change. */
  compiled: CompiledDefinition[];
  audiences: AudienceDefinitions;
}

/**
 * The window lapses of a subject's history (GET .../history, entries of kind `windowLapse`): between a step and
 * the next, and after the last one until the reading's moment, the moments at which an event left (or a future-dated
 * one reached) its window and changed a computed value or a membership. Derived from the subject's log and the
 * definitions alone (the window engine's own next-change times, audiences evaluated from scratch just before and at
 * each moment): exact to the millisecond, the same on every reading and after any rebuild.
 */
@Injectable()
export class HistoryLapsesReader {
  constructor(@Inject(EVENT_STORE) private readonly log: EventStore) {}

  async lapses(log: readonly DecodedEvent[], steps: readonly LapseStepRef[], until: number): Promise<HistoryLapse[]> {
    const changes = await this.definitionChanges();
    if (changes.length === 0 || steps.length === 0) return [];
    const inForce = (at: number): DefinitionsChange | undefined => {
      let found: DefinitionsChange | undefined;
      for (const c of changes) if (c.at < at) found = c;
      return found;
    };
    const none: CompiledDefinition[] = [];
    const definitionsAt = (at: number) => inForce(at)?.compiled ?? none;
    const { lapses } = computedTimeline(entriesOf(log), steps, definitionsAt, { until, definitionTimes: changes.map((c) => c.at) });
    if (lapses.length === 0) return [];
    const profiles = profilesAfterSteps(steps, new Set(lapses.map((l) => l.afterIndex)));
    const out: HistoryLapse[] = [];
    for (const lapse of lapses) {
      const at = new Date(lapse.at).toISOString();
      const before = publicValues(lapse.before);
      const after = publicValues(lapse.after);
      const computed = Object.keys(after)
        .filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]))
        .map((name) => ({ name, before: before[name], after: after[name] }));
      const audiences = inForce(lapse.at)?.audiences ?? initialDefinitions();
      const moves = lapseTransitions(audiences, profiles.get(lapse.afterIndex)!, lapse.before, lapse.after).map(
        (m): HistoryTransition => ({ id: m.audienceId, kind: m.kind, at, cause: 'windowLapse' }),
      );
      if (computed.length > 0 || moves.length > 0) out.push({ afterIndex: lapse.afterIndex, at: lapse.at, computed, audiences: moves });
    }
    return out;
  }

  /** Every change of the computed-attribute or audience definitions, in log time, with what is in force after it. */
  private async definitionChanges(): Promise<DefinitionsChange[]> {
    const recorded = [...(await readWhole(this.log, COMPUTED_ATTRIBUTES_STREAM)), ...(await readWhole(this.log, AUDIENCES_STREAM))];
    recorded.sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
    let computed = initialComputedDefinitions();
    let audiences = initialDefinitions();
    const changes: DefinitionsChange[] = [];
    for (const r of recorded) {
      const { event, recordedAt } = decode(r);
      if (r.stream === AUDIENCES_STREAM) audiences = evolveDefinitions(audiences, event as AudienceDefinitionEvent, recordedAt.toISOString());
      else computed = evolveComputedDefinitions(computed, event as ComputedDefinitionEvent);
      const compiled = [...compiledDefinitions(computed), ...audienceCountDefinitions(audiences).map(compileDefinition)];
      changes.push({ at: recordedAt.getTime(), compiled, audiences });
    }
    return changes;
  }
}

async function readWhole(log: EventStore, stream: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (let from = 0; ; ) {
    const page = await log.readStream(stream, { fromRevision: from, limit: 1000 });
    out.push(...page);
    from += page.length;
    if (page.length < 1000) return out;
  }
}

function entriesOf(log: readonly DecodedEvent[]): HistoryLogEntry[] {
  return log.map((decoded) => {
    const event = timelineEventOf(decoded);
    const at = decoded.recordedAt.getTime();
    if (!event) return { at };
    const data = (event.doc.data ?? {}) as Record<string, unknown>;
    return { at, event: { primaryKey: event.primaryKey, event: { type: event.type, timestamp: event.timestamp, position: event.position, data } } };
  });
}

/** The profile (merged attributes, namespaces) as each wanted step left it, from the steps' own changes. */
function profilesAfterSteps(steps: readonly LapseStepRef[], wanted: ReadonlySet<number>) {
  const leaves = new Map<string, unknown>();
  const members = new Set<string>();
  const out = new Map<number, { attributes: Record<string, unknown>; namespaces: Set<string> }>();
  for (const step of steps) {
    for (const { path, after } of step.attributes) {
      if (after === null || after === undefined) leaves.delete(path);
      else leaves.set(path, after);
    }
    step.joined.forEach((k) => members.add(k));
    step.left.forEach((k) => members.delete(k));
    if (!wanted.has(step.index)) continue;
    out.set(step.index, {
      attributes: unflattenLeaves([...leaves].map(([path, value]) => ({ path, value }))),
      namespaces: new Set([...members].map((k) => parseIdentityKey(k).namespace)),
    });
  }
  return out;
}
