import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, deriveEventId, encode, type DecodedEvent, type DomainEvent } from '../../src/events';
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
import { linkKey } from '../../projections/model';

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

async function appendRule(log: EventStore, event: DomainEvent, n: number): Promise<DecodedEvent> {
  const encoded = encode(event, deriveEventId(event.type, 'operator', `rule-${n}`));
  const { position } = await log.append(LINK_REJECTIONS_STREAM, [encoded]);
  const [recorded] = (await log.readStream(LINK_REJECTIONS_STREAM)).filter((e) => e.position === position);
  return decode(recorded);
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
  const rejected = await appendRule(log, rule('LinkRejected', { rejectionId: 'rj1', from, to, reason: 'shared tablet' }), 1);
  const rules = await loadRules(log, rejected.position);
  const writes = (await rederiveGraphs(log, live, rejected, { settings: rules.settings, rejected: rejectedPairs(rules), profileIdOf: (g) => profileIdOf(KEY, g) }))!;
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

it('re-derives only the closure an erasure seeds (the items that still name whom the subject shared items with)', async () => {
  const log = openSqliteEventStore(join(dir, 'erasure-events.sqlite'));
  const live = await openSqliteReadStore(join(dir, 'erasure-live.sqlite'));
  await appendConcurrently(log, strangers(300));
  await appendAll(log, [record('crm', 1, ids('CRMID:ann', 'Email:ann@x.com'), { tier: 'gold' }), link(2, ids('Email:ann@x.com', 'ECID:tablet'))], 'subject-ann');
  await appendAll(log, [link(3, ids('Email:bob@x.com', 'ECID:tablet')), record('crm', 4, ids('CRMID:bob', 'Email:bob@x.com'), { tier: 'silver' })], 'subject-bob');
  await appendAll(log, [link(5, ids('Email:bob@x.com', 'ECID:phone')), link(6, ids('ECID:phone', 'Email:cy@x.com'))], 'subject-bob');
  await appendAll(log, [experience(7, ids('ECID:tablet'), 'view', {})], 'subject-tablet');
  await project(log, live);

  // What eraseSubject does to the log: Ann's stream goes, then the audit event names Bob's item with the tablet.
  await log.eraseStreams(['subject-ann']);
  const counts = { identities: 2, records: 1, events: 0, links: 1 };
  const audit = { type: 'SubjectErased', data: { requestId: 'rq1', at: new Date().toISOString(), counts, rederive: true, seeds: [{ stream: 'subject-bob', revision: 0 }] } } as DomainEvent;
  const { position } = await log.append('tessera-privacy-test', [encode(audit, deriveEventId('SubjectErased', 'operator', 'rq1'))]);
  const [erased] = (await log.readStream('tessera-privacy-test')).filter((e) => e.position === position).map(decode);
  const rules = await loadRules(log, position);
  const writes = (await rederiveGraphs(log, live, erased, { settings: rules.settings, rejected: rejectedPairs(rules), profileIdOf: (g) => profileIdOf(KEY, g) }))!;
  expect((writes.nodes?.upsert ?? []).map((n) => n.key).sort()).toEqual(['CRMID:bob', 'ECID:phone', 'ECID:tablet', 'Email:bob@x.com', 'Email:cy@x.com']);
  // Ann's link to the tablet is no longer in the log: the re-derivation deletes it.
  expect(writes.links?.delete).toEqual([linkKey('ECID:tablet', 'Email:ann@x.com')]);
  await project(log, live);
  await live.eraseSubjects({ identityKeys: ['CRMID:ann', 'Email:ann@x.com'], streams: ['subject-ann'], rewrittenEvents: [] });

  const fresh = await openSqliteReadStore(join(dir, 'erasure-fresh.sqlite'));
  await project(log, fresh);
  const [liveDump, freshDump] = [await dumpReadModels(live), await dumpReadModels(fresh)];
  expect(liveDump.length).toBeGreaterThan(300);
  expect(liveDump).toEqual(freshDump);
  expect(await fresh.getNode('ECID:tablet')).toMatchObject({ graphId: expect.stringMatching(/bob/) });
  await Promise.all([live.close(), fresh.close(), log.close()]);
}, 120_000);
