import { decode } from '../events';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port';
import { comparePositions, type Position } from '../event-store';
import { evolveRules, initialRules, RULE_STREAMS, type ProjectionRules } from '../read-models';

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

const PAGE = 1000;

/** Every event of one small stream (the rule streams), page by page. */
export async function readWholeStream(log: EventStore, stream: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (;;) {
    const page = await log.readStream(stream, { fromRevision: out.length, limit: PAGE });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}
