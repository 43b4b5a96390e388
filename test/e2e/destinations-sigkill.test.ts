import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildService, type BuiltService } from '../support/built-service';
import { eventually, startReceiver, type Receiver } from '../support/webhook-receiver';

/**
 * The built service is SIGKILLed while webhook deliveries are pending and restarted on the same DATA_DIR: every
 * change reaches the receiver at least once, first receipts come in feed order, and a redelivery carries the same
 * webhook-id and body as the first delivery of that change.
 */
const RECORDS = 150;
const DELIVERIES_BEFORE_KILL = 25;

let dir: string;
let service: BuiltService;
let receiver: Receiver;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-dest-kill-'));
  service = buildService();
  receiver = await startReceiver();
}, 180_000);
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
  service.remove();
});

const start = (dataDir: string) =>
  service.start({
    DATA_DIR: dataDir,
    DESTINATION_RETRY_BASE_MS: '20',
    DESTINATION_RETRY_MAX_MS: '100',
    CHANGE_FEED_POLL_MS: '5',
  });

const json = async (url: string, init?: RequestInit) => (await fetch(url, init)).json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function feedOf(url: string): Promise<Array<{ id: string }>> {
  const items: Array<{ id: string }> = [];
  for (;;) {
    const page = await json(`${url}/v1/changes?limit=1000&from=${items.at(-1)?.id ?? ''}`);
    if (page.items.length === 0) return items;
    items.push(...page.items);
  }
}

it('delivers every change at least once, in order, under the same webhook-id, across a SIGKILL', async () => {
  const dataDir = join(dir, 'data');
  const first = await start(dataDir);
  const put = await json(`${first.url}/v1/destinations/sink`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiver.url }),
  });
  const killer = receiver.answer;
  receiver.answer = (delivery) => {
    if (receiver.deliveries.length === DELIVERIES_BEFORE_KILL) first.proc.kill('SIGKILL');
    return killer(delivery);
  };
  const ingest = fetch(`${first.url}/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      Array.from({ length: RECORDS }, (_, n) => ({ kind: 'record', id: `k-${n}`, source: 'crm', identities: [{ namespace: 'CRMID', id: `k-${n}` }], attributes: { n } })),
    ),
  });
  expect((await ingest).status).toBe(207);
  expect(await first.exited).toBe('SIGKILL');
  const atKill = receiver.deliveries.length;

  const second = await start(dataDir);
  try {
    const feed = await eventually(async () => {
      const items = await feedOf(second.url);
      return items.length >= RECORDS && items;
    }, 'the restarted projector to write every change', 60_000);
    const ids = feed.map((i) => i.id);
    await eventually(async () => ids.every((id) => receiver.deliveries.some((d) => d.headers['webhook-id'] === id)), 'every change delivered', 60_000);
    expect(atKill).toBeLessThan(ids.length);

    const bodies = receiver.verified(put.secret);
    const firstReceipt: string[] = [];
    const bodyOf = new Map<string, unknown>();
    receiver.deliveries.forEach((d, i) => {
      const id = d.headers['webhook-id'] as string;
      expect(bodies[i].data.id).toBe(id);
      if (!bodyOf.has(id)) {
        firstReceipt.push(id);
        bodyOf.set(id, bodies[i].data);
      } else {
        expect(bodies[i].data).toEqual(bodyOf.get(id));
      }
    });
    expect(firstReceipt).toEqual(ids);
  } finally {
    second.proc.kill('SIGTERM');
    await second.exited;
  }
}, 240_000);
