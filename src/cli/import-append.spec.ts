import type { AppendResult, EventStore, EventToAppend, ExpectedRevision } from '../event-store/event-store.port';
import { DEFAULT_MAX_APPEND_BYTES, sizeOnDisk } from '../event-store/eventstoredb';
import type { ExportedEvent } from './export-format';
import { appendInOrder } from './import-append';

/** A store that only records the appends it is asked for. */
function recordingStore() {
  const appends: { stream: string; events: EventToAppend[]; expected: ExpectedRevision }[] = [];
  const store = {
    append: async (stream: string, events: EventToAppend[], expected: ExpectedRevision = 'any'): Promise<AppendResult> => {
      appends.push({ stream, events, expected });
      return { position: '0', nextExpectedRevision: 0, events: [] };
    },
  } as unknown as EventStore;
  return { store, appends };
}

function exported(stream: string, count: number, blobBytes = 10): ExportedEvent[] {
  return Array.from({ length: count }, (_, revision) => ({
    position: String(revision),
    eventId: `${stream}-${revision}`,
    type: 'Exported',
    stream,
    revision,
    recordedAt: '2026-01-01T00:00:00.000Z',
    data: { blob: 'x'.repeat(blobBytes) },
    metadata: {},
  }));
}

async function* from(events: ExportedEvent[]) {
  yield* events;
}

describe('appendInOrder (tessera import)', () => {
  it('splits a stream into runs under the 1 MiB append limit, each at the exact revision it had at the source', async () => {
    const { store, appends } = recordingStore();
    await appendInOrder(store, from(exported('s', 5, 300 * 1024)), { exactRevisions: true, onAppended: () => undefined });
    expect(appends.map((a) => a.events.length)).toEqual([3, 2]);
    expect(appends.map((a) => a.expected)).toEqual(['no_stream', 2]);
    for (const a of appends) expect(a.events.reduce((n, e) => n + sizeOnDisk(e), 0)).toBeLessThanOrEqual(DEFAULT_MAX_APPEND_BYTES);
  });

  it('keeps runs of small events to 500, and starts a run at each change of stream', async () => {
    const { store, appends } = recordingStore();
    const events = [...exported('a', 1200), ...exported('b', 2)];
    const count = await appendInOrder(store, from(events), { exactRevisions: false, onAppended: () => undefined });
    expect(count).toBe(1202);
    expect(appends.map((a) => [a.stream, a.events.length])).toEqual([['a', 500], ['a', 500], ['a', 200], ['b', 2]]);
  });
});
