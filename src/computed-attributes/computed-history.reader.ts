import { Inject, Injectable } from '@nestjs/common';
import {
  compiledDefinitions,
  computedHistory,
  evolveComputedDefinitions,
  initialComputedDefinitions,
  type CompiledDefinition,
  type ComputedChange,
  type ComputedDefinitionEvent,
  type HistoryStepRef,
} from '../../projections/computed-attributes';
import { decode, type DecodedEvent } from '../events';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { timelineEventOf } from '../read-models';
import { COMPUTED_ATTRIBUTES_STREAM } from './stream';

/** The computed values each history step changed (GET .../history: `changes.computed`). */
@Injectable()
export class ComputedHistoryReader {
  constructor(@Inject(EVENT_STORE) private readonly log: EventStore) {}

  async changes(log: readonly DecodedEvent[], steps: readonly HistoryStepRef[]): Promise<Map<number, ComputedChange[]>> {
    const definitionsAt = await this.definitionsTimeline();
    const entries = log.map((decoded) => {
      const event = timelineEventOf(decoded);
      const at = decoded.recordedAt.getTime();
      if (!event) return { at };
      const data = (event.doc.data ?? {}) as Record<string, unknown>;
      return { at, event: { primaryKey: event.primaryKey, event: { type: event.type, timestamp: event.timestamp, position: event.position, data } } };
    });
    return computedHistory(entries, steps, definitionsAt);
  }

  /** The definitions in force strictly before a log time; one array per change, so callers see when they change. */
  private async definitionsTimeline(): Promise<(at: number) => readonly CompiledDefinition[]> {
    const changes: { at: number; definitions: CompiledDefinition[] }[] = [];
    let state = initialComputedDefinitions();
    for (let from = 0; ; ) {
      const page = await this.log.readStream(COMPUTED_ATTRIBUTES_STREAM, { fromRevision: from, limit: 1000 });
      for (const r of page) {
        state = evolveComputedDefinitions(state, decode(r).event as ComputedDefinitionEvent);
        changes.push({ at: r.recordedAt.getTime(), definitions: compiledDefinitions(state) });
      }
      from += page.length;
      if (page.length < 1000) break;
    }
    const none: CompiledDefinition[] = [];
    return (at) => {
      let found = none;
      for (const c of changes) if (c.at < at) found = c.definitions;
      return found;
    };
  }
}
