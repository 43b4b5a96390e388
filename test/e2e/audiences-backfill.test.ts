import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import type { EventStore } from '../../src/event-store/event-store.port';
import { Projector } from '../../src/projector';
import { openReadStore, type ReadStore } from '../../src/read-store';
import { appendAll, defineAudience, ids, record } from '../support/log-fixtures';
import { dumpReadModels } from '../support/read-model-dump';
import { until } from './tessera-app';

/**
 * DESIGN.md "Creating a definition backfills every profile in the background while live items keep being
 * evaluated": the outcome is that of a naive evaluation, whenever the backfill's pages run. A profile the walk has
 * not reached when an item changes it is a member from the definition (it qualified then) until that item, as if
 * the walk had passed it first.
 */
const profileIdOf = (graphId: string) => `p-${graphId}`;

let dir: string;
let log: EventStore;
let store: ReadStore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-audiences-backfill-'));
  log = openSqliteEventStore(join(dir, 'events.sqlite'));
  store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read.sqlite') });
});
afterAll(async () => {
  await store.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

it('an item that reaches a profile before the backfill does moves it from the definition’s entry', async () => {
  const projector = new Projector(log, store, { profileIdOf });
  projector.start();
  try {
    // Enough gold profiles that the walk takes pages; Zed's graph id sorts last, so the walk reaches it last.
    await appendAll(log, Array.from({ length: 300 }, (_, i) => record('crm', Date.now(), ids(`CRMID:p${String(i).padStart(3, '0')}`), { tier: 'gold' })));
    await appendAll(log, [record('crm', Date.now(), ids('CRMID:zed'), { tier: 'gold' })]);
    expect(await projector.whenIdle()).toBe(true);
    const defined = await defineAudience(log, 'gold', { attribute: 'tier', op: 'eq', value: 'gold' });
    // Right after the definition, before the walk gets to Zed: Zed leaves gold.
    const silver = await appendAll(log, [record('crm', Date.now(), ids('CRMID:zed'), { tier: 'silver' })]);
    expect(await projector.whenIdle()).toBe(true);
    expect(await until(async () => projector.computedSettled, (settled) => settled, 20_000)).toBe(true);
    const events = await log.readAll();
    const at = (position: string) => events.find((e) => e.position === position)!.recordedAt.getTime();
    const zed = (await dumpReadModels(store)).find((p) => p.graphId === 'CRMID:zed')!;
    // Naive: Zed was gold when the audience was defined (entered then, cause definition), and left at the item.
    expect((zed.memberships ?? []).map((m) => [m.enteredAt, m.exitedAt, (m.doc as Causes).cause?.kind, (m.doc as Causes).exitCause?.kind])).toEqual([
      [at(defined), at(silver), 'definition', 'item'],
    ]);
    expect(await store.countMembers(['gold'])).toEqual(new Map([['gold', 300]]));
  } finally {
    await projector.stop();
  }
}, 60_000);

type Causes = { cause?: { kind: string }; exitCause?: { kind: string } };
