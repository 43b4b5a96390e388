import type { EventStore, EventToAppend, ExpectedRevision } from '../event-store/event-store.port';
import { DEFAULT_MAX_APPEND_BYTES, sizeOnDisk } from '../event-store/eventstoredb';
import type { ExportedEvent } from './export-format';

/**
 * Consecutive events of one stream go in one append (atomic, one commit) up to this many, and up to EventStoreDB's
 * default maximum append size (1 MiB), so that each run stays one atomic append there too rather than being split
 * by the adapter.
 */
const RUN = 500;
const RUN_BYTES = DEFAULT_MAX_APPEND_BYTES;

export interface AppendInOrderOptions {
  /**
   * true: each run is appended at the exact revision it had at the source, so a store that drifted from the export
   * fails loudly (409) instead of interleaving; false (--force): any revision.
   */
  exactRevisions: boolean;
  onAppended(events: number): void;
}

/**
 * Appends events in their log order, keeping their ids (a re-import is acknowledged as duplicates, nothing is
 * stored twice). Appends are sequential: the log order across streams is what the projections fold, and the port
 * promises no order between concurrent appends. Runs of one stream share an append.
 */
export async function appendInOrder(target: EventStore, events: AsyncIterable<ExportedEvent>, options: AppendInOrderOptions): Promise<number> {
  let run: ExportedEvent[] = [];
  let runBytes = 0;
  let count = 0;
  const flush = async () => {
    if (run.length === 0) return;
    await target.append(run[0].stream, run.map(toAppend), expected(run[0], options.exactRevisions));
    count += run.length;
    options.onAppended(run.length);
    run = [];
    runBytes = 0;
  };
  for await (const event of events) {
    const bytes = sizeOnDisk(toAppend(event));
    const full = run.length >= RUN || runBytes + bytes > RUN_BYTES;
    if (run.length > 0 && (full || run[0].stream !== event.stream)) await flush();
    run.push(event);
    runBytes += bytes;
  }
  await flush();
  return count;
}

function toAppend(e: ExportedEvent): EventToAppend {
  return { eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata };
}

function expected(first: ExportedEvent, exact: boolean): ExpectedRevision {
  if (!exact) return 'any';
  return first.revision === 0 ? 'no_stream' : first.revision - 1;
}
