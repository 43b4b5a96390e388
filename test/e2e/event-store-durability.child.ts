import { randomUUID } from 'node:crypto';
import { openSqliteEventStore } from '../../src/event-store/sqlite';

/**
 * Appends as fast as it can with many appends in flight (so group commit coalesces them), printing each eventId
 * only after its append was acknowledged. The durability test kills this process with SIGKILL mid-stream.
 * Usage: node event-store-durability.child.js <file> <concurrency>
 */
async function worker(store: ReturnType<typeof openSqliteEventStore>, stream: string): Promise<never> {
  const history = await store.readStream(stream);
  let expected: number | 'no_stream' = history.length === 0 ? 'no_stream' : history.length - 1;
  for (let i = 0; ; i++) {
    const events = Array.from({ length: 1 + (i % 3) }, () => ({ eventId: randomUUID(), type: 'Durable', data: { i } }));
    const result = await store.append(stream, events, expected);
    expected = result.nextExpectedRevision;
    process.stdout.write(events.map((e) => `${e.eventId}\n`).join(''));
  }
}

async function main(): Promise<void> {
  const [file, concurrency] = process.argv.slice(2);
  const store = openSqliteEventStore(file);
  process.stdout.write('READY\n');
  await Promise.all(Array.from({ length: Number(concurrency) }, (_, w) => worker(store, `durability-${w}`)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
