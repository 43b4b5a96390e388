import {
  compiledDefinitions,
  evolveComputedDefinitions,
  initialComputedDefinitions,
  type ComputedDefinitionEvent,
  type ComputedDefinitionsState,
} from '../../../projections/computed-attributes';
import { decode, type DecodedEvent } from '../../events';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port';
import { comparePositions, type Position } from '../../event-store';
import { COMPUTED_ATTRIBUTES_STREAM } from '../stream';

export function isComputedDefinitionEvent(decoded: DecodedEvent): boolean {
  return decoded.event.type === 'ComputedAttributeSaved' || decoded.event.type === 'ComputedAttributeDeleted';
}

/** The definitions as they stood at `at` (inclusive; undefined: the start of the log), from their own stream. */
export async function definitionsAt(log: EventStore, at: Position | undefined): Promise<ComputedDefinitionsState> {
  if (at === undefined) return initialComputedDefinitions();
  return (await readDefinitionStream(log))
    .filter((r) => comparePositions(r.position, at) <= 0)
    .reduce((state, r) => evolveComputedDefinitions(state, decode(r).event as ComputedDefinitionEvent), initialComputedDefinitions());
}

/** The definitions in force at log time `before` (exclusive, epoch ms): what asOf evaluates under. */
export async function definitionsBefore(log: EventStore, before: number): Promise<ComputedDefinitionsState> {
  return (await readDefinitionStream(log))
    .filter((r) => r.recordedAt.getTime() < before)
    .reduce((state, r) => evolveComputedDefinitions(state, decode(r).event as ComputedDefinitionEvent), initialComputedDefinitions());
}

async function readDefinitionStream(log: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (;;) {
    const page = await log.readStream(COMPUTED_ATTRIBUTES_STREAM, { fromRevision: out.length, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

export { compiledDefinitions };
