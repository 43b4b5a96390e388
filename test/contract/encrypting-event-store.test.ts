import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, deriveEventId, encode, type DomainEvent } from '../../src/events';
import { openSqliteEventStore, type SqliteEventStore } from '../../src/event-store/sqlite';
import { subjectStream } from '../../src/identity/subject-stream';
import { EncryptingEventStore } from '../../src/privacy/encrypting-event-store';
import { subjectIdOf } from '../../src/privacy/field-cipher';
import { openSqliteKeyStore } from '../../src/privacy/key-store/sqlite';
import { SubjectKeys } from '../../src/privacy/subject-keys';
import { take } from '../support/event-store-fixtures';

const HASH_KEY = 'h'.repeat(32);
const tom = { namespace: 'Email', id: 'tom@acme.com' };
const ann = { namespace: 'CRMID', id: 'ann-1' };
const device = { namespace: 'IDFA', id: 'dev-9' };

function record(itemId: string, identities: Array<typeof tom>, attributes: Record<string, unknown>): DomainEvent {
  return { type: 'RecordIngested', data: { itemId, source: 'crm', timestamp: '2026-01-01T00:00:00.000Z', identities, primary: identities[0], attributes } };
}

/** The crypto-shredding wrapper over a real SQLite log and key store. */
describe('EncryptingEventStore', () => {
  let dir: string;
  let inner: SqliteEventStore;
  let log: EncryptingEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-enc-'));
    inner = openSqliteEventStore(join(dir, 'events.sqlite'));
    log = new EncryptingEventStore(inner, new SubjectKeys(openSqliteKeyStore(join(dir, 'keys.sqlite'))), HASH_KEY);
  });
  afterEach(async () => {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = (event: DomainEvent, itemId: string) =>
    log.append(subjectStream(HASH_KEY, (event.data as { primary: typeof tom }).primary), [encode(event, deriveEventId('record', 'crm', itemId))]);

  it('names subjects as their streams are named, and forgets the names with the keys on an erasure', async () => {
    expect(`subject-${log.subjectOf(tom)}`).toBe(subjectStream(HASH_KEY, tom));
    expect(log.subjectOf(tom)).toBe(subjectIdOf(HASH_KEY, tom));
    await log.keys.erase([log.subjectOf(tom)]);
    expect(log.keys.cipherCache.subjects.get(`${tom.namespace}:${tom.id}`)).toBeUndefined();
  });

  it('stores personal fields sealed and reads them back as appended, through every read path', async () => {
    const event = record('r1', [tom, device], { name: 'Tom', tags: ['a'] });
    await append(event, 'r1');
    const [raw] = await inner.readAll();
    // Ciphertext is random base64url and can spell "Tom" or "dev-9" by chance: look for the values outside it.
    const outsideSealed = JSON.stringify(raw.data).replace(/enc1:[0-9a-f]{64}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+/g, 'SEALED');
    expect(outsideSealed).not.toMatch(/tom@acme|dev-9|Tom/);
    expect(outsideSealed).toContain('"id":"SEALED"');
    expect(raw.data.source).toBe('crm');
    const [all] = await log.readAll();
    expect(decode(all).event).toEqual(event);
    const [own] = await log.readStream(subjectStream(HASH_KEY, tom));
    expect(decode(own).event).toEqual(event);
    const subscription = log.subscribeToAll();
    expect(decode((await take(subscription, 1))[0]).event).toEqual(event);
    await subscription.close();
  });

  it('after the keys are erased: the owner’s items read as ItemErased, the identity leaves other people’s items', async () => {
    await append(record('r1', [tom, device], { name: 'Tom' }), 'r1');
    await append(record('r2', [ann, tom, device], { name: 'Ann' }), 'r2');
    await log.keys.erase([subjectIdOf(HASH_KEY, tom)]);
    const [tomsRecord, annsRecord] = (await log.readAll()).map(decode);
    expect(tomsRecord.event).toEqual({ type: 'ItemErased', data: { erasedType: 'RecordIngested' } });
    expect(annsRecord.event).toEqual(record('r2', [ann, device], { name: 'Ann' }));
  });

  it('with sealing off, appends plain payloads and still opens sealed ones', async () => {
    await append(record('r1', [tom], { name: 'Tom' }), 'r1');
    const plain = new EncryptingEventStore(inner, log.keys, HASH_KEY, { sealOnAppend: false });
    await plain.append('subject-x', [encode(record('r2', [ann], { name: 'Ann' }), deriveEventId('record', 'crm', 'r2'))]);
    const raw = await inner.readAll();
    expect(JSON.stringify(raw[1].data)).toContain('Ann');
    expect((await plain.readAll()).map((r) => decode(r).event.data)).toEqual([
      record('r1', [tom], { name: 'Tom' }).data,
      record('r2', [ann], { name: 'Ann' }).data,
    ]);
  });

  it('hands its own subscription the plaintext it sealed: the same events a second reader of the files opens', async () => {
    const first = await append(record('r1', [tom, device], { name: 'Tom', nested: { deep: [1, null, 'x'] }, gone: undefined }), 'r1');
    const second = await append(record('r2', [ann, tom], { name: 'Ann' }), 'r2');
    await append(record('r1', [tom, device], { name: 'Tom, a duplicate' }), 'r1');
    const handOff = log.keys.cipherCache.appended;
    expect([handOff.get(first.position), handOff.get(second.position)]).toEqual([expect.any(Object), expect.any(Object)]);
    const other = new EncryptingEventStore(openSqliteEventStore(join(dir, 'events.sqlite')), new SubjectKeys(openSqliteKeyStore(join(dir, 'keys.sqlite'))), HASH_KEY);
    try {
      const own = log.subscribeToAll();
      const theirs = other.subscribeToAll();
      expect(await take(own, 2)).toStrictEqual(await take(theirs, 2));
      expect([handOff.get(first.position), handOff.get(second.position)]).toEqual([undefined, undefined]);
      await Promise.all([own.close(), theirs.close()]);
    } finally {
      await other.close();
    }
  });

  it('forgets the hand-off when someone is erased: an item sealed before the erasure reads as erased', async () => {
    await append(record('r1', [tom, device], { name: 'Tom' }), 'r1');
    await log.keys.erase([subjectIdOf(HASH_KEY, tom)]);
    const subscription = log.subscribeToAll();
    expect(decode((await take(subscription, 1))[0]).event).toEqual({ type: 'ItemErased', data: { erasedType: 'RecordIngested' } });
    await subscription.close();
  });
});
