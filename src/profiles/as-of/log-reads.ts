import { decode, type DecodedEvent } from '../../events';
import type { EventStore } from '../../event-store/event-store.port';
import { comparePositions } from '../../event-store';
import type { ItemIndexEntry } from '../../read-store/read-store.port';
import { isRuleEvent, RULE_STREAMS } from '../../read-models';

/** Revisions this close together in one stream are read in one call: a subject's items mostly sit side by side. */
const GAP = 32;
const PARALLEL = 16;
const RULE_PAGE = 1000;

/**
 * The log events the index rows name, read back by (stream, revision): one readStream per run of nearby revisions,
 * never a scan of the log.
 */
export async function readIndexedItems(log: EventStore, rows: readonly ItemIndexEntry[]): Promise<DecodedEvent[]> {
  const wanted = new Map<string, Set<number>>();
  const ids = new Set(rows.map((r) => r.eventId));
  for (const row of rows) wanted.set(row.stream, (wanted.get(row.stream) ?? new Set()).add(row.revision));
  const ranges = [...wanted].flatMap(([stream, revisions]) => runsOf([...revisions]).map((run) => ({ stream, ...run })));
  const found: DecodedEvent[] = [];
  for (let i = 0; i < ranges.length; i += PARALLEL) {
    const pages = await Promise.all(
      ranges.slice(i, i + PARALLEL).map((r) => log.readStream(r.stream, { fromRevision: r.from, limit: r.count })),
    );
    for (const recorded of pages.flat()) if (ids.has(recorded.eventId)) found.push(decode(recorded));
  }
  return found;
}

function runsOf(revisions: number[]): { from: number; count: number }[] {
  revisions.sort((x, y) => x - y);
  const runs: { from: number; count: number }[] = [];
  for (const revision of revisions) {
    const last = runs[runs.length - 1];
    if (last && revision - (last.from + last.count - 1) <= GAP) last.count = revision - last.from + 1;
    else runs.push({ from: revision, count: 1 });
  }
  return runs;
}

/**
 * Every rule event (settings, link rejections and withdrawals) logged before `recordedBefore` (log time, epoch ms;
 * absent: all of them), in log order. The rule streams are small: operators write them, ingestion never does.
 */
export async function ruleEventsBefore(log: EventStore, recordedBefore?: number): Promise<DecodedEvent[]> {
  const found: DecodedEvent[] = [];
  for (const stream of RULE_STREAMS) {
    for (let from = 0; ; from += RULE_PAGE) {
      const page = await log.readStream(stream, { fromRevision: from, limit: RULE_PAGE });
      for (const recorded of page) {
        if (recordedBefore !== undefined && recorded.recordedAt.getTime() >= recordedBefore) continue;
        const decoded = decode(recorded);
        if (isRuleEvent(decoded)) found.push(decoded);
      }
      if (page.length < RULE_PAGE) break;
    }
  }
  return found.sort((x, y) => comparePositions(x.position, y.position));
}
