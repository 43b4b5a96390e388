import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import type { EventStore } from '../../src/event-store/event-store.port';
import { Projector } from '../../src/projector';
import { openReadStore, type ReadStore } from '../../src/read-store';
import { deriveEventId, encode, type DomainEvent } from '../../src/events';
import { LINK_REJECTIONS_STREAM } from '../../src/read-models/projection-rules';
import { appendAll, defineAudience, defineComputed, experience, ids, record } from '../support/log-fixtures';
import { dumpReadModels } from '../support/read-model-dump';
import { clockPast, until } from './tessera-app';

/**
 * DESIGN.md "Creating a definition backfills every profile in the background while live items keep being
 * evaluated": the outcome is that of a naive evaluation, whenever the backfill's pages run. A profile the walk has
 * not reached when an item or a lapsing window changes it is a member from the definition (it qualified then) until
 * that change, as if the walk had passed it first.
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
    const at = (position: string) => loggedAt(position);
    const zed = (await dumpReadModels(store)).find((p) => p.graphId === 'CRMID:zed')!;
    // Naive: Zed was gold when the audience was defined (entered then, cause definition), and left at the item.
    expect((zed.memberships ?? []).map((m) => [m.enteredAt, m.exitedAt, (m.doc as Causes).cause?.kind, (m.doc as Causes).exitCause?.kind])).toEqual([
      [await at(defined), await at(silver), 'definition', 'item'],
    ]);
    expect(await store.countMembers(['gold'])).toEqual(new Map([['gold', 300]]));
  } finally {
    await projector.stop();
  }
}, 60_000);

it('a window that lapses on a profile before the backfill reaches it moves it from the definition’s entry', async () => {
  const projector = new Projector(log, store, { profileIdOf, name: 'lapse' });
  await defineComputed(log, 'recent', { function: 'count', eventType: 'purchase', window: { last: '1s' } });
  projector.start();
  try {
    // Many profiles: the walk takes ticks. Yve's purchase leaves its window 300 ms after the audience is defined.
    await appendAll(log, Array.from({ length: 1000 }, (_, i) => record('crm', Date.now(), ids(`CRMID:q${String(i).padStart(4, '0')}`), { tier: 'gold' })));
    const bought = Date.now();
    await appendAll(log, [record('crm', bought, ids('CRMID:yve'), { tier: 'gold' }), experience(bought - 700, ids('CRMID:yve'), 'purchase')]);
    expect(await projector.whenIdle()).toBe(true);
    const defined = await defineAudience(log, 'goldLapse', { attribute: 'tier', op: 'eq', value: 'gold' });
    await clockPast(bought + 300);
    expect(await projector.whenIdle()).toBe(true);
    expect(await until(async () => projector.computedSettled, (settled) => settled, 30_000)).toBe(true);
    const at = await loggedAt(defined);
    const yve = (await dumpReadModels(store)).find((p) => p.graphId === 'CRMID:yve')!;
    // Naive: Yve was gold at the definition, and is still: one entry, at the definition, none at the lapse.
    expect((yve.memberships ?? []).filter((m) => m.audienceId === 'goldLapse').map((m) => [m.enteredAt, m.exitedAt, (m.doc as Causes).cause?.kind])).toEqual([[at, null, 'definition']]);
  } finally {
    await projector.stop();
  }
}, 90_000);

it('a rule that rewrites a profile before the backfill reaches it keeps the definition’s entry', async () => {
  const projector = new Projector(log, store, { profileIdOf, name: 'rule' });
  projector.start();
  try {
    await appendAll(log, Array.from({ length: 300 }, (_, i) => record('crm', Date.now(), ids(`CRMID:r${String(i).padStart(3, '0')}`), { tier: 'gold' })));
    // Zoe's record links her CRM id and her email; the operator rejects that link right after the audience is saved.
    await appendAll(log, [record('crm', Date.now(), ids('CRMID:zoe', 'Email:zoe@x.com'), { tier: 'gold' })]);
    expect(await projector.whenIdle()).toBe(true);
    const defined = await defineAudience(log, 'goldRule', { attribute: 'tier', op: 'eq', value: 'gold' });
    const rejection = { type: 'LinkRejected', data: { rejectionId: 'rz', from: { namespace: 'CRMID', id: 'zoe' }, to: { namespace: 'Email', id: 'zoe@x.com' }, reason: 'test' } } as unknown as DomainEvent;
    await log.append(LINK_REJECTIONS_STREAM, [encode(rejection, deriveEventId(rejection.type, 'operator', 'rz'))]);
    expect(await projector.whenIdle()).toBe(true);
    expect(await until(async () => projector.computedSettled, (settled) => settled, 30_000)).toBe(true);
    const at = await loggedAt(defined);
    const zoe = (await dumpReadModels(store)).find((p) => p.graphId === 'CRMID:zoe')!;
    // Naive: Zoe was gold at the definition and still is after the split: one entry, at the definition.
    expect((zoe.memberships ?? []).filter((m) => m.audienceId === 'goldRule').map((m) => [m.enteredAt, m.exitedAt, (m.doc as Causes).cause?.kind])).toEqual([[at, null, 'definition']]);
  } finally {
    await projector.stop();
  }
}, 90_000);

/** The log time of the entry at `position`. */
async function loggedAt(position: string): Promise<number> {
  const [entry] = await log.readAll({ after: String(BigInt(position) - 1n), limit: 1 });
  return entry!.recordedAt.getTime();
}

type Causes = { cause?: { kind: string }; exitCause?: { kind: string } };
