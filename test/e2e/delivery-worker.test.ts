import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changeId, type ChangeItem } from '../../projections/change-feed';
import { WorkerDelivery } from '../../src/destinations/delivery-worker';
import { openSqliteDestinationStore } from '../../src/destinations/store/sqlite';
import { openReadStore, positionKey } from '../../src/read-store';
import { eventually, startReceiver } from '../support/webhook-receiver';

/**
 * The delivery worker thread on its own, against real SQLite files and a real receiver: a worker that cannot start
 * (its read-model file is not there yet) is started again, and then delivers from the destination's stored cursor,
 * in order; its counts reach the main thread's counters by the next settle; its log lines come through the hooks
 * and never hold the secret.
 */
const item = (position: string): ChangeItem => ({
  id: changeId(positionKey(position), 0),
  type: 'profile.created',
  at: new Date(Number(position)).toISOString(),
  profileId: `p_${position}`,
});

it('is started again after a failed start and resumes delivery from the stored cursor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-delivery-worker-'));
  const hook = await startReceiver();
  const lines: string[] = [];
  const counted = new Map<string, number>();
  const secret = 'whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OQ==';
  const destinations = openSqliteDestinationStore(join(dir, 'destinations.sqlite'));
  await destinations.put({ id: 'sink', url: hook.url, types: [], audiences: [], enabled: true }, { secret, createdAt: 0 });
  const file = join(dir, 'read-models.sqlite');
  const delivery = new WorkerDelivery(
    {
      destinations: { kind: 'sqlite', file: join(dir, 'destinations.sqlite') },
      feed: { kind: 'sqlite', file },
      modelVersion: 'v1',
      retry: { baseMs: 10, maxMs: 50, horizonMs: 60_000 },
      timeoutMs: 2_000,
      pollMs: 5,
    },
    {
      counters: { delivered: (id, n = 1) => counted.set(id, (counted.get(id) ?? 0) + n), retried: () => undefined, failed: () => undefined },
      logger: { warn: (line) => lines.push(line), error: (line) => lines.push(line) },
      onFeedWake: () => () => undefined,
    },
  );
  try {
    delivery.start('sink');
    await eventually(async () => lines.some((l) => l.includes('starting another')), 'the failed start reported');
    const store = await openReadStore({ kind: 'sqlite', file });
    await store.commit({ changes: [item('1'), item('2'), item('3')] }, { projector: 'profiles', position: '3' });
    await store.close();
    await hook.until(3, 20_000);
    expect(hook.verified(secret).map((b) => b.data.id)).toEqual([item('1').id, item('2').id, item('3').id]);
    await eventually(async () => (await destinations.get('sink'))?.cursor === item('3').id, 'the cursor stored');
    await delivery.settle();
    expect(counted.get('sink')).toBe(3);
    expect(lines.join('\n')).not.toContain(secret.slice(6));
  } finally {
    await delivery.close();
    await destinations.close();
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
