import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { WrongExpectedRevisionError } from '../../src/common/app-error';
import type { AppendResult, EventStore, ExpectedRevision } from '../../src/event-store';
import { newStream } from '../support/event-store-fixtures';

/**
 * Random sequences of appends, checked one by one against a model of the port's promises: duplicates (also
 * repeated within one call, also mixed with new events), every expected-revision case, and the stream read back.
 * Each event id is used in one stream only (the same id in two streams is a caller bug the port does not define).
 */
interface Command {
  stream: number;
  ids: number[];
  expected: ExpectedRevision;
}

const command: fc.Arbitrary<Command> = fc.record({
  stream: fc.integer({ min: 0, max: 2 }),
  ids: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
  expected: fc.oneof(
    fc.constantFrom<ExpectedRevision>('any', 'no_stream', 'stream_exists'),
    fc.integer({ min: 0, max: 4 }),
  ),
});

interface Stored {
  revision: number;
  position: string;
}

/** What the port promises for one append, given what the stream already holds. */
function expectedOutcome(stored: Map<string, Stored>, revision: number, c: { ids: string[]; expected: ExpectedRevision }) {
  const fresh = [...new Set(c.ids.filter((id) => !stored.has(id)))];
  if (fresh.length === 0) {
    // A retry is answered as the original was: the revision of the newest of its events.
    return { kind: 'duplicate' as const, next: Math.max(...c.ids.map((id) => (stored.get(id) as Stored).revision)) };
  }
  const e = c.expected;
  const ok = e === 'any' || (e === 'no_stream' ? revision === -1 : e === 'stream_exists' ? revision >= 0 : e === revision);
  return ok ? { kind: 'stored' as const, next: revision + fresh.length } : { kind: 'conflict' as const };
}

async function runCommands(store: EventStore, commands: Command[]): Promise<void> {
  const streams = [newStream('model'), newStream('model'), newStream('model')];
  const ids = new Map<string, string>();
  const idOf = (stream: number, n: number) => ids.get(`${stream}:${n}`) ?? ids.set(`${stream}:${n}`, randomUUID()).get(`${stream}:${n}`)!;
  const stored = new Map<string, Stored>();
  const revisions = [-1, -1, -1];
  const order: string[][] = [[], [], []];
  for (const c of commands) {
    const eventIds = c.ids.map((n) => idOf(c.stream, n));
    const want = expectedOutcome(stored, revisions[c.stream], { ids: eventIds, expected: c.expected });
    const events = eventIds.map((eventId) => ({ eventId, type: 'ModelTested', data: {} }));
    const got = await store.append(streams[c.stream], events, c.expected).catch((e: unknown) => e);
    if (want.kind === 'conflict') {
      expect(got).toBeInstanceOf(WrongExpectedRevisionError);
      continue;
    }
    const result = got as AppendResult;
    expect(result.nextExpectedRevision).toBe(want.next);
    const seen = new Set<string>();
    result.events.forEach((e, i) => {
      const before = stored.get(eventIds[i]);
      expect(e.duplicate).toBe(before !== undefined || seen.has(eventIds[i]));
      if (before) expect(e.position).toBe(before.position);
      seen.add(eventIds[i]);
      if (!before && !e.duplicate) {
        stored.set(eventIds[i], { revision: ++revisions[c.stream], position: e.position });
        order[c.stream].push(eventIds[i]);
      }
    });
  }
  for (const [i, stream] of streams.entries()) {
    const read = await store.readStream(stream);
    expect(read.map((e) => [e.eventId, e.revision])).toEqual(order[i].map((id, r) => [id, r]));
  }
}

export function describeAppendModel(getStore: () => EventStore): void {
  describe('append, against a model', () => {
    it('agrees with the model on random sequences of appends', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), (commands) =>
          runCommands(getStore(), commands),
        ),
        { numRuns: 40 },
      );
    });
  });
}
