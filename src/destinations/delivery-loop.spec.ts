import { changeId, type ChangeItem } from '../../projections/change-feed';
import { MemoryChangeFeed } from '../change-feed/memory-change-feed';
import type { DestinationDefinition, DestinationProgress, StoredDestination } from './destination';
import type { DestinationStore } from './destination-store.port';
import { DeliveryLoop, type DeliveryDeps } from './delivery-loop';
import type { SendOutcome, WebhookRequest } from './webhook-sender';

class MemoryDestinationStore implements DestinationStore {
  readonly rows = new Map<string, StoredDestination>();
  async get(id: string) {
    const row = this.rows.get(id);
    return row && { ...row };
  }
  async list() {
    return [...this.rows.values()];
  }
  async put(d: DestinationDefinition, create: { secret: string; cursor?: string; createdAt: number }) {
    const existing = this.rows.get(d.id);
    this.rows.set(d.id, existing ? { ...existing, ...d } : { ...d, secret: create.secret, cursor: create.cursor, createdAt: create.createdAt });
    return { created: !existing };
  }
  async delete(id: string) {
    return this.rows.delete(id);
  }
  async saveProgress(id: string, p: DestinationProgress) {
    const row = this.rows.get(id)!;
    const { cursor, lastDeliveredAt, lastError, failingSince, disabledReason } = p;
    this.rows.set(id, { ...row, cursor, lastDeliveredAt, lastError, failingSince, disabledReason });
  }
  async disable(id: string, reason: string) {
    this.rows.set(id, { ...this.rows.get(id)!, enabled: false, disabledReason: reason, failingSince: undefined });
  }
  async close() {}
}

const item = (n: number, type: ChangeItem['type'] = 'profile.created'): ChangeItem => ({
  id: changeId(String(n).padStart(4, '0'), 0),
  type,
  at: new Date(n).toISOString(),
  profileId: `p${n}`,
});

/** A loop against a scripted receiver: `answers` is consumed per attempt, then every attempt is delivered. */
function setup(answers: SendOutcome[] = [], retry = { baseMs: 1, maxMs: 4, horizonMs: 60_000 }) {
  const feed = new MemoryChangeFeed();
  const store = new MemoryDestinationStore();
  const sent: WebhookRequest[] = [];
  const counts = { delivered: 0, retried: 0, failed: 0 };
  let clock = 1_000;
  void store.put({ id: 'd1', url: 'http://127.0.0.1:1/hook', types: [], audiences: [], enabled: true }, { secret: 'whsec_AAAA', createdAt: 0 });
  const deps: DeliveryDeps = {
    store,
    feed,
    feedVersion: () => feed.items.length,
    waitForChanges: (ms, since) => (since !== feed.items.length ? Promise.resolve() : new Promise((r) => setTimeout(r, Math.min(ms, 5)))),
    send: async (request) => {
      sent.push(request);
      clock += 10;
      return answers.shift() ?? { kind: 'delivered', status: 200 };
    },
    retry,
    timeoutMs: 1_000,
    now: () => clock,
    random: () => 0.5,
    counters: { delivered: () => counts.delivered++, retried: () => counts.retried++, failed: () => counts.failed++ },
  };
  return { feed, store, sent, counts, loop: new DeliveryLoop('d1', deps), setClock: (t: number) => (clock = t) };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('DeliveryLoop', () => {
  it('delivers in feed order and stores the cursor after each delivery', async () => {
    const { feed, store, sent, loop } = setup();
    feed.append(item(1), item(2), item(3));
    loop.start();
    await until(async () => (await store.get('d1'))?.cursor === item(3).id, 'three deliveries');
    await loop.stop();
    expect(sent.map((s) => s.item.id)).toEqual([item(1).id, item(2).id, item(3).id]);
    expect(sent.every((s) => s.secret === 'whsec_AAAA')).toBe(true);
  });

  it('retries a failing item under the same id before sending the next, then clears the failure', async () => {
    const { feed, store, sent, loop, counts } = setup([{ kind: 'failed', error: 'HTTP 500' }, { kind: 'failed', error: 'timed out' }]);
    feed.append(item(1), item(2));
    loop.start();
    await until(async () => (await store.get('d1'))?.cursor === item(2).id, 'both delivered');
    await loop.stop();
    expect(sent.map((s) => s.item.id)).toEqual([item(1).id, item(1).id, item(1).id, item(2).id]);
    expect(counts).toEqual({ delivered: 2, retried: 2, failed: 0 });
    const row = await store.get('d1');
    expect(row?.failingSince).toBeUndefined();
    expect(row?.lastError).toBe('timed out');
  });

  it('skips items of other types without sending them, and moves past them', async () => {
    const { feed, store, sent, loop } = setup();
    await store.put({ id: 'd1', url: 'http://127.0.0.1:1/hook', types: ['profile.merged'], audiences: [], enabled: true }, { secret: 'x', createdAt: 0 });
    feed.append(item(1), item(2, 'profile.merged'), item(3));
    loop.start();
    await until(async () => (await store.get('d1'))?.cursor === item(3).id, 'the page passed');
    await loop.stop();
    expect(sent.map((s) => s.item.id)).toEqual([item(2).id]);
  });

  it('410 disables the destination and sends nothing more', async () => {
    const { feed, store, sent, loop, counts } = setup([{ kind: 'gone', status: 410 }]);
    feed.append(item(1), item(2));
    loop.start();
    await until(async () => (await store.get('d1'))?.enabled === false, 'disabled');
    await loop.stop();
    expect(sent).toHaveLength(1);
    expect((await store.get('d1'))?.cursor).toBeUndefined();
    expect(counts.failed).toBe(1);
  });

  it('an admin re-enabling a destination the loop is just disabling gets it delivering again', async () => {
    const { feed, store, sent, loop } = setup([{ kind: 'gone', status: 410 }]);
    feed.append(item(1));
    loop.start();
    await until(async () => (await store.get('d1'))?.enabled === false, 'disabled');
    await store.put({ id: 'd1', url: 'http://127.0.0.1:1/hook', types: [], audiences: [], enabled: true }, { secret: 'x', createdAt: 0 });
    loop.start();
    await until(async () => (await store.get('d1'))?.cursor === item(1).id, 'delivered after re-enabling');
    await loop.stop();
    expect(sent.map((s) => s.item.id)).toEqual([item(1).id, item(1).id]);
  });

  it('gives up past the horizon: disabled, cursor still before the item', async () => {
    const failures: SendOutcome[] = Array.from({ length: 50 }, () => ({ kind: 'failed', error: 'HTTP 503' }));
    const { feed, store, loop } = setup(failures, { baseMs: 1, maxMs: 4, horizonMs: 100 });
    feed.append(item(1));
    loop.start();
    await until(async () => (await store.get('d1'))?.enabled === false, 'disabled at the horizon');
    await loop.stop();
    const row = await store.get('d1');
    expect(row?.cursor).toBeUndefined();
    expect(row?.lastError).toMatch(/HTTP 503.*horizon/);
  });

  it('an item erased from the feed while being retried is not sent again', async () => {
    const { feed, store, sent, loop } = setup([{ kind: 'failed', error: 'HTTP 500' }]);
    feed.append(item(1), item(2));
    const original = feed.getChange.bind(feed);
    let reads = 0;
    feed.getChange = async (id) => (id === item(1).id && ++reads > 1 ? undefined : original(id));
    loop.start();
    await until(async () => (await store.get('d1'))?.cursor === item(2).id, 'moved on');
    await loop.stop();
    expect(sent.map((s) => s.item.id)).toEqual([item(1).id, item(2).id]);
  });
});
