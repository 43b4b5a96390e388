import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import { decode, DecodedEvent } from '../../src/events';
import { buildService, type BuiltService, type RunningService } from '../support/built-service';

/**
 * The real service as a child process (node main.js), sent single-event POSTs with many in flight, is SIGKILLed
 * mid-stream and restarted on the same DATA_DIR: every event it acknowledged (202) is in the log exactly once, at
 * the position it acknowledged, and a retry after the restart is recognised as a duplicate.
 */
const CONCURRENCY = 32;
const ACKS_BEFORE_KILL = 400;

let dir: string;
let service: BuiltService;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-sigkill-'));
  service = buildService();
}, 120_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  service.remove();
});

const start = (dataDir: string) => service.start({ DATA_DIR: dataDir });

const eventBody = (n: number) => ({
  id: `sigkill-${n}`,
  source: 'web',
  type: 'pageView',
  timestamp: '2024-05-01T12:00:00Z',
  identities: [{ namespace: 'ECID', id: `visitor-${n % 50}` }, { namespace: 'Email', id: `user${n % 7}@acme.com` }],
  data: { n },
});

/** Streams POSTs until the process is gone; returns id → acknowledged position. */
async function streamUntilKilled(running: RunningService): Promise<Map<string, string>> {
  const acked = new Map<string, string>();
  let next = 0;
  let alive = true;
  const worker = async () => {
    while (alive) {
      const n = next++;
      try {
        const res = await fetch(`${running.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(eventBody(n)),
        });
        const body = (await res.json()) as { id: string; position: string };
        if (res.status === 202) acked.set(body.id, body.position);
        if (acked.size >= ACKS_BEFORE_KILL && running.proc.exitCode === null) running.proc.kill('SIGKILL');
      } catch {
        alive = false;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  expect(await running.exited).toBe('SIGKILL');
  return acked;
}

async function readWholeLog(file: string): Promise<DecodedEvent[]> {
  const store = openSqliteEventStore(file);
  const log: DecodedEvent[] = [];
  for (let page = await store.readAll(); page.length > 0; page = await store.readAll({ after: log.at(-1)?.position })) {
    log.push(...page.map(decode));
  }
  await store.close();
  return log;
}

it('loses no acknowledged event when killed mid-stream, and stores none twice', async () => {
  const dataDir = join(dir, 'data');
  const acked = await streamUntilKilled(await start(dataDir));
  expect(acked.size).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);

  const restarted = await start(dataDir);
  const retried = [...acked.keys()].slice(0, 20);
  for (const id of retried) {
    const res = await fetch(`${restarted.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(eventBody(Number(id.split('-')[1]))),
    });
    expect(await res.json()).toEqual({ id, position: acked.get(id), duplicate: true });
  }
  restarted.proc.kill('SIGTERM');
  await restarted.exited;

  const log = await readWholeLog(join(dataDir, 'events.sqlite'));
  const byItem = new Map<string, DecodedEvent[]>();
  for (const e of log) {
    const itemId = (e.event.data as { itemId: string }).itemId;
    byItem.set(itemId, [...(byItem.get(itemId) ?? []), e]);
  }
  for (const [id, position] of acked) {
    expect(byItem.get(id)?.map((e) => e.position)).toEqual([position]);
  }
  expect([...byItem.values()].every((copies) => copies.length === 1)).toBe(true);
}, 120_000);
