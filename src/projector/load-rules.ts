import { decode } from '../events/codec';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port';
import { comparePositions, type Position } from '../event-store/position';
import { SETTINGS_STREAM } from '../identity/identity-settings.decider';
import { evolveRules, initialRules, type ProjectionRules } from './projection-rules';

/** Where rule events live: the settings stream and the operators' link rejections. */
export const LINK_REJECTIONS_STREAM = 'tessera-link-rejections';
export const RULE_STREAMS = [SETTINGS_STREAM, LINK_REJECTIONS_STREAM];

/**
 * The rules as they stood at `at` (inclusive): what a projector resuming from a checkpoint must fold under. Reads
 * only the two small rule streams, never the whole log.
 */
export async function loadRules(log: EventStore, at: Position | undefined): Promise<ProjectionRules> {
  if (at === undefined) return initialRules();
  const recorded: RecordedEvent[] = [];
  for (const stream of RULE_STREAMS) recorded.push(...(await readWholeStream(log, stream)));
  return recorded
    .filter((r) => comparePositions(r.position, at) <= 0)
    .sort((x, y) => comparePositions(x.position, y.position))
    .reduce((rules, r) => evolveRules(rules, decode(r)), initialRules());
}

async function readWholeStream(log: EventStore, stream: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (;;) {
    const page = await log.readStream(stream, { fromRevision: out.length, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}
