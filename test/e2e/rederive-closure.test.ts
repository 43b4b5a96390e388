import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveEventId, encode, type DomainEvent } from '../../src/events';
import type { EventStore } from '../../src/event-store';
import { openSqliteEventStore } from '../../src/event-store/sqlite';
import { Projector } from '../../src/projector';
import { rederiveGraphs } from '../../src/projector/rederive';
import { LINK_REJECTIONS_STREAM, profileIdOf, rejectedPairs } from '../../src/read-models';
import { loadRules } from '../../src/projector';
import { openSqliteReadStore } from '../../src/read-store/sqlite';
import type { ReadStore } from '../../src/read-store';
import { appendAll, appendConcurrently, experience, ids, link, record } from '../support/log-fixtures';
import { dumpReadModels } from '../support/read-model-dump';

/**
 * A link rejection (or its withdrawal) re-derives only the co-occurrence closure of its pair, yet the read models
 * end exactly where a rebuild of the whole log ends.
 */
const KEY = 'closure-test-key-0123456789';
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'tessera-closure-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function strangers(count: number): DomainEvent[] {
  const items: DomainEvent[] = [];
  for (let i = 0; i < count; i++) {
    items.push(record('crm', i, ids(`CRMID:s${i}`, `Email:s${i}@x.com`), { n: i }));
    items.push(experience(i, ids(`Email:s${i}@x.com`), 'view', { i }));
  }
  return items;
}

/** Ann and Bob share a tablet; Bob's phone links to Cy. */
const household = () => [
  record('crm', 1, ids('CRMID:ann', 'Email:ann@x.com'), { tier: 'gold' }),
  link(2, ids('Email:ann@x.com', 'ECID:tablet')),
  link(3, ids('Email:bob@x.com', 'ECID:tablet')),
  record('crm', 4, ids('CRMID:bob', 'Email:bob@x.com'), { tier: 'silver' }),
  link(5, ids('Email:bob@x.com', 'ECID:phone')),
  link(6, ids('ECID:phone', 'Email:cy@x.com')),
  experience(7, ids('ECID:tablet'), 'view', {}),
];

const rule = (type: 'LinkRejected' | 'LinkRejectionWithdrawn', data: Record<string, unknown>): DomainEvent =>
  ({ type, data }) as unknown as DomainEvent;

async function appendRule(log: EventStore, event: DomainEvent, n: number): Promise<string> {
  const encoded = encode(event, deriveEventId(event.type, 'operator', `rule-${n}`));
  return (await log.append(LINK_REJECTIONS_STREAM, [encoded])).position;
}

async function project(log: EventStore, store: ReadStore): Promise<void> {
  const projector = new Projector(log, store, { profileIdOf: (g) => profileIdOf(KEY, g), batchSize: 200 });
  projector.start();
  expect(await projector.whenIdle(60_000)).toBe(true);
  await projector.stop();
}

it('re-derives only the pair closure for a rejection and its withdrawal, ending where a rebuild ends', async () => {
  const log = openSqliteEventStore(join(dir, 'events.sqlite'));
  const live = await openSqliteReadStore(join(dir, 'live.sqlite'));
  await appendConcurrently(log, strangers(300));
  await appendAll(log, household());
  await project(log, live);

  const from = { namespace: 'Email', id: 'ann@x.com' };
  const to = { namespace: 'ECID', id: 'tablet' };
  const rejectedAt = await appendRule(log, rule('LinkRejected', { rejectionId: 'rj1', from, to, reason: 'shared tablet' }), 1);
  const rules = await loadRules(log, rejectedAt);
  const writes = await rederiveGraphs(log, live, rejectedAt, { settings: rules.settings, rejected: rejectedPairs(rules), profileIdOf: (g) => profileIdOf(KEY, g) });
  const rederived = (writes.nodes?.upsert ?? []).map((n) => n.key).sort();
  expect(rederived).toEqual(['CRMID:ann', 'CRMID:bob', 'ECID:phone', 'ECID:tablet', 'Email:ann@x.com', 'Email:bob@x.com', 'Email:cy@x.com']);
  await project(log, live);
  await appendAll(log, [link(8, ids('Email:s1@x.com', 'CRMID:s2'))]);
  await appendRule(log, rule('LinkRejectionWithdrawn', { rejectionId: 'rj1' }), 2);
  await appendAll(log, [link(9, ids('Email:ann@x.com', 'ECID:tablet'))]);
  await project(log, live);

  const fresh = await openSqliteReadStore(join(dir, 'fresh.sqlite'));
  await project(log, fresh);
  const [liveDump, freshDump] = [await dumpReadModels(live), await dumpReadModels(fresh)];
  expect(liveDump.length).toBeGreaterThan(300);
  expect(liveDump).toEqual(freshDump);
  await Promise.all([live.close(), fresh.close(), log.close()]);
}, 120_000);
