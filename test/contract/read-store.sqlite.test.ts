import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { changeId } from '../../projections/change-feed';
import { openReadStore, type ProfileRecord, type ReadModelBatch, type ReadStore, type TimelineEvent } from '../../src/read-store';
import { positionKey } from '../../src/read-store/position-key';
import { describeReadStoreContract, fullBatch } from './read-store.contract';
import { opaque } from './read-store.fixtures';

/** The holder keeps its lock on the removed file; the next candidate locks a new one at the same path. */
function removeLeaseLocks(dir: string): void {
  for (const name of readdirSync(dir)) if (name.includes('-lease-')) rmSync(join(dir, name));
}

describeReadStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
  const opened: ReadStore[] = [];
  return {
    open: async (options) => {
      const store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read.db') }, options);
      opened.push(store);
      return store;
    },
    dispose: async () => {
      await Promise.all(opened.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
    lapseLease: async () => removeLeaseLocks(dir),
  };
});

// A rebuild target in its own file gives up durability, not behaviour: the same contract holds.
describeReadStoreContract('sqlite, throwaway durability', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
  const opened: ReadStore[] = [];
  return {
    open: async (options) => {
      const store = await openReadStore({ kind: 'sqlite', file: join(dir, 'read.db') }, { ...options, durability: 'throwaway' });
      opened.push(store);
      return store;
    },
    dispose: async () => {
      await Promise.all(opened.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
    lapseLease: async () => removeLeaseLocks(dir),
  };
});

/** A store in a new directory for each test, closed and removed after it. */
function freshStore(): { store: ReadStore } {
  const current = {} as { store: ReadStore; dir: string };
  beforeEach(async () => {
    current.dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
    current.store = await openReadStore({ kind: 'sqlite', file: join(current.dir, 'read.db') });
  });
  afterEach(async () => {
    await current.store.close();
    rmSync(current.dir, { recursive: true, force: true });
  });
  return current;
}

describe('SQLite read store: one transaction per batch', () => {
  const fresh = freshStore();

  it('leaves no trace of a batch that fails part-way', async () => {
    const broken = fullBatch();
    broken.events?.push({ ...broken.events[0], eventId: 'bad', doc: opaque({ total: BigInt(1) }) });
    await expect(fresh.store.commit(broken, { projector: 'graph', position: '5' })).rejects.toThrow(TypeError);
    expect(await fresh.store.getCheckpoint('graph')).toBeUndefined();
    expect(await fresh.store.getNodesOfGraphs(['CRMID:tom'])).toEqual([]);
    expect(await fresh.store.getEventStats(['CRMID:tom', 'ECID:111'])).toEqual([]);
    expect((await fresh.store.listProfiles({ limit: 10 })).items).toEqual([]);
  });
});

describe('SQLite read store: a group of commits is one transaction', () => {
  const graph = (key: string) => ({ nodes: { upsert: [{ key, graphId: key, lastSeen: 1 }] } }) as ReadModelBatch;
  const item = (position: string) => ({ id: changeId(positionKey(position), 0), type: 'profile.created' as const, at: '2024-05-01T12:00:00.000Z', profileId: `p_${position}` });
  const fresh = freshStore();

  it('rolls a refused commit back alone (a savepoint), so the projector can commit the part again event by event', async () => {
    const broken = fullBatch();
    broken.events?.push({ ...broken.events[0], eventId: 'bad', doc: opaque({ total: BigInt(1) }) });
    await fresh.store.groupCommits(async () => {
      await fresh.store.commit(graph('CRMID:a'), { projector: 'graph', position: '5' });
      await expect(fresh.store.commit(broken, { projector: 'graph', position: '6' })).rejects.toThrow(TypeError);
      await fresh.store.commit(graph('CRMID:c'), { projector: 'graph', position: '7' });
    });
    expect(await fresh.store.getCheckpoint('graph')).toBe('7');
    expect((await fresh.store.getNodes(['CRMID:a', 'CRMID:c', 'CRMID:tom'])).map((n) => n.key).sort()).toEqual(['CRMID:a', 'CRMID:c']);
    expect(await fresh.store.getEventStats(['CRMID:tom'])).toEqual([]);
  });

  it('keeps nothing of a whole group once a write in it fails, even when the work goes on (no savepoint per commit)', async () => {
    const broken = fullBatch();
    broken.events?.push({ ...broken.events[0], eventId: 'bad', doc: opaque({ total: BigInt(1) }) });
    await expect(
      fresh.store.groupCommits(async () => {
        await fresh.store.commit(graph('CRMID:a'), { projector: 'graph', position: '5' });
        await expect(fresh.store.commit(broken, { projector: 'graph', position: '6' })).rejects.toThrow(TypeError);
        await fresh.store.commit(graph('CRMID:c'), { projector: 'graph', position: '7' });
      }, { wholeOnly: true }),
    ).rejects.toThrow(TypeError);
    expect(await fresh.store.getCheckpoint('graph')).toBeUndefined();
    expect(await fresh.store.getNodes(['CRMID:a', 'CRMID:c', 'CRMID:tom'])).toEqual([]);
    expect(await fresh.store.getEventStats(['CRMID:tom'])).toEqual([]);
    // Nor when the work itself fails after a commit; a whole group that succeeds keeps each commit at its position.
    await expect(
      fresh.store.groupCommits(async () => {
        await fresh.store.commit(graph('CRMID:a'), { projector: 'graph', position: '5' });
        throw new Error('no');
      }, { wholeOnly: true }),
    ).rejects.toThrow('no');
    expect(await fresh.store.getNodes(['CRMID:a'])).toEqual([]);
    await fresh.store.groupCommits(async () => {
      await fresh.store.commit(graph('CRMID:a'), { projector: 'graph', position: '5' });
      await fresh.store.commit({ ...graph('CRMID:b'), changes: [item('6')] }, { projector: 'graph', position: '6' });
    }, { wholeOnly: true });
    expect(await fresh.store.getCheckpoint('graph')).toBe('6');
    expect((await fresh.store.getNodes(['CRMID:a', 'CRMID:b'])).map((n) => n.key).sort()).toEqual(['CRMID:a', 'CRMID:b']);
    expect((await fresh.store.readChanges({ limit: 10 })).map((c) => c.profileId)).toEqual(['p_6']);
  });

  it('reads the memberships a group wrote from the sets it keeps, and forgets them when a commit rolls back', async () => {
    const enter = (audienceId: string, enteredAt: number) => ({ audienceId, graphId: 'CRMID:a', enteredAt, doc: { profileId: 'p_a', cause: { kind: 'item' } } });
    const open = async () => (await fresh.store.getMemberships(['CRMID:a', 'CRMID:b'])).map((m) => `${m.audienceId}@${m.enteredAt}`);
    await fresh.store.groupCommits(async () => {
      expect(await open()).toEqual([]);
      await fresh.store.commit({ audiences: { enter: [enter('vip', 100)] } }, { projector: 'graph', position: '5' });
      expect(await open()).toEqual(['vip@100']);
      // The sets are applied before the feed items: a feed item that cannot be stored rolls the set's write back.
      const unstorable = { ...item('6'), extra: BigInt(1) } as unknown as ReturnType<typeof item>;
      await expect(fresh.store.commit({ audiences: { enter: [enter('buyers', 110)], exit: [{ audienceId: 'vip', graphId: 'CRMID:a', exitedAt: 110, doc: {} }] }, changes: [unstorable] }, { projector: 'graph', position: '6' })).rejects.toThrow(TypeError);
      expect(await open()).toEqual(['vip@100']);
      await fresh.store.commitAudiences({ enter: [enter('buyers', 120)] });
      expect(await open()).toEqual(['buyers@120', 'vip@100']);
    });
    expect(await open()).toEqual(['buyers@120', 'vip@100']);
    expect((await fresh.store.listMembers({ audienceId: 'vip', limit: 10 })).items.map((m) => m.graphId)).toEqual(['CRMID:a']);
  });

  it('defers a whole group\'s keyed rows to its end, and every read inside it sees them (one row per key, stats summed)', async () => {
    const profile = (graphId: string, name: string) => ({ graphId, createdAt: 1, updatedAt: 2, doc: { profileId: `p_${graphId}`, graphId, attributes: { name } } }) as unknown as ProfileRecord;
    const stats = (primaryKey: string, eventId: string, position: string) => ({ ...fullBatch().events![0]!, primaryKey, eventId, position, timestamp: Number(position) });
    await fresh.store.groupCommits(async () => {
      await fresh.store.commit({ ...graph('CRMID:d'), profiles: { upsert: [profile('CRMID:d', 'one')] }, events: [stats('CRMID:d', 'e1', '5')], computed: { values: { upsert: [{ graphId: 'CRMID:d', values: { n: 1 }, dueAt: 50 }] } } }, { projector: 'graph', position: '5' });
      expect((await fresh.store.getNodes(['CRMID:d'])).map((n) => n.key)).toEqual(['CRMID:d']);
      expect((await fresh.store.getProfile('CRMID:d'))?.doc).toMatchObject({ attributes: { name: 'one' } });
      await fresh.store.commit({ profiles: { upsert: [profile('CRMID:d', 'two')] }, events: [stats('CRMID:d', 'e2', '6')], computed: { values: { upsert: [{ graphId: 'CRMID:d', values: { n: 2 } }] } } }, { projector: 'graph', position: '6' });
      expect((await fresh.store.getDueComputed(100, 10)).map((v) => v.graphId)).not.toContain('CRMID:d');
      await fresh.store.commit({ nodes: { delete: ['CRMID:d'] }, events: [stats('CRMID:d', 'e3', '7')] }, { projector: 'graph', position: '7' });
      expect(await fresh.store.getNodes(['CRMID:d'])).toEqual([]);
      expect((await fresh.store.getEventStats(['CRMID:d']))[0]).toMatchObject({ count: 3, lastPosition: '7' });
    }, { wholeOnly: true });
    expect(await fresh.store.getNodes(['CRMID:d'])).toEqual([]);
    expect((await fresh.store.getProfile('CRMID:d'))?.doc).toMatchObject({ attributes: { name: 'two' } });
    expect((await fresh.store.getComputedValues(['CRMID:d']))[0]).toMatchObject({ values: { n: 2 } });
    expect((await fresh.store.getEventStats(['CRMID:d']))[0]).toMatchObject({ count: 3, lastPosition: '7' });
    // A whole group that fails keeps none of them.
    await expect(
      fresh.store.groupCommits(async () => {
        await fresh.store.commit({ profiles: { upsert: [profile('CRMID:d', 'three')] } }, { projector: 'graph', position: '8' });
        throw new Error('no');
      }, { wholeOnly: true }),
    ).rejects.toThrow('no');
    expect((await fresh.store.getProfile('CRMID:d'))?.doc).toMatchObject({ attributes: { name: 'two' } });
  });

  it('holds the checkpoint, the change feed and erasures back until the group is committed', async () => {
    const seen: string[] = [];
    let reads: Promise<unknown>[] = [];
    await fresh.store.groupCommits(async () => {
      await fresh.store.commit({ ...graph('CRMID:a'), changes: [item('5')] }, { projector: 'graph', position: '5' });
      // What a request of this process would ask meanwhile, its microtasks between the group's awaits.
      reads = [
        fresh.store.getCheckpoint('graph').then((c) => seen.push(`checkpoint ${c}`)),
        fresh.store.readChanges({ limit: 10 }).then((items) => seen.push(`feed ${items.length}`)),
        fresh.store.lastChangeId().then((id) => seen.push(`last ${id === item('5').id}`)),
        fresh.store.eraseSubjects({ identityKeys: ['CRMID:zzz'], streams: [], rewrittenEvents: [] }).then(() => seen.push('erased')),
      ];
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect(seen).toEqual([]);
      await fresh.store.commit({}, { projector: 'graph', position: '6' });
      seen.push('group done');
    });
    await Promise.all(reads);
    expect(seen).toEqual(['group done', 'checkpoint 6', 'feed 1', 'last true', 'erased']);
  });

  it('keeps its savepoints’ sub-journals in memory while the group runs, and temporary storage on file after it', async () => {
    const db = (fresh.store as unknown as { db: Database.Database }).db;
    const tempStore = () => db.pragma('temp_store', { simple: true });
    await fresh.store.groupCommits(async () => {
      expect(tempStore()).toBe(2);
      await fresh.store.commit(graph('CRMID:a'), { projector: 'graph', position: '5' });
    });
    expect(tempStore()).toBe(0);
    await expect(fresh.store.groupCommits(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(tempStore()).toBe(0);
  });

  it('refuses the writes after SQLite rolled the group back by itself, so no later checkpoint covers the lost parts', async () => {
    const db = (fresh.store as unknown as { db: Database.Database }).db;
    await expect(
      fresh.store.groupCommits(async () => {
        await fresh.store.commit(graph('CRMID:a'), { projector: 'graph', position: '5' });
        db.exec('ROLLBACK'); // as SQLITE_FULL or an I/O error mid-statement does
        await fresh.store.commit(graph('CRMID:b'), { projector: 'graph', position: '6' });
      }),
    ).rejects.toThrow(/rolled back a commit group/);
    expect(await fresh.store.getCheckpoint('graph')).toBeUndefined();
    expect(await fresh.store.getNodes(['CRMID:a', 'CRMID:b'])).toEqual([]);
    await fresh.store.commit(graph('CRMID:b'), { projector: 'graph', position: '6' });
    expect(await fresh.store.getCheckpoint('graph')).toBe('6');
  });
});

describe('SQLite read store: memberships stored before the sets', () => {
  it('moves one-row-per-interval memberships into the sets when it opens the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
    const file = join(dir, 'read.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE v1_memberships (audience_id TEXT NOT NULL, graph_id TEXT NOT NULL, entered_at INTEGER NOT NULL,
      exited_at INTEGER, doc TEXT NOT NULL, PRIMARY KEY (audience_id, graph_id, entered_at)) WITHOUT ROWID`);
    const row = old.prepare('INSERT INTO v1_memberships VALUES (?, ?, ?, ?, ?)');
    row.run('vip', 'CRMID:tom', 100, 200, JSON.stringify({ profileId: 'p_tom', cause: { kind: 'item' }, exitCause: { kind: 'windowLapse' } }));
    row.run('vip', 'CRMID:tom', 300, null, JSON.stringify({ profileId: 'p_tom', cause: { kind: 'item' } }));
    row.run('vip', 'CRMID:ann', 150, null, JSON.stringify({ profileId: 'p_ann', cause: { kind: 'merge' } }));
    old.close();
    const store = await openReadStore({ kind: 'sqlite', file });
    try {
      expect((await store.getMembershipIntervals(['CRMID:tom'])).map((m) => [m.enteredAt, m.exitedAt, m.doc])).toEqual([
        [100, 200, { profileId: 'p_tom', cause: { kind: 'item' }, exitCause: { kind: 'windowLapse' } }],
        [300, undefined, { profileId: 'p_tom', cause: { kind: 'item' } }],
      ]);
      expect((await store.listMembers({ audienceId: 'vip', limit: 10 })).items.map((m) => [m.graphId, m.doc.profileId])).toEqual([['CRMID:ann', 'p_ann'], ['CRMID:tom', 'p_tom']]);
      expect(await store.countMembers(['vip'])).toEqual(new Map([['vip', 2]]));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite read store: change refs stored per item', () => {
  it('keeps finding a subject’s feed items at erasure once their refs are moved to entry keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
    const file = join(dir, 'read.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE v1_changes (id TEXT PRIMARY KEY, type TEXT NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE v1_change_refs (profile_id TEXT NOT NULL, change_id TEXT NOT NULL, PRIMARY KEY (profile_id, change_id)) WITHOUT ROWID`);
    const at = '2024-05-01T12:00:00.000Z';
    const items = [
      { id: '0000000003-00000000', type: 'profile.created', at, profileId: 'p_e' },
      { id: '0000000003-00000001', type: 'audience.entered', at, profileId: 'p_e', audienceId: 'vip' },
      { id: '0000000003-00000002', type: 'profile.created', at, profileId: 'p_x' },
    ];
    for (const i of items) {
      old.prepare('INSERT INTO v1_changes VALUES (?, ?, ?)').run(i.id, i.type, JSON.stringify(i));
      old.prepare('INSERT INTO v1_change_refs VALUES (?, ?)').run(i.profileId, i.id);
    }
    old.close();
    const store = await openReadStore({ kind: 'sqlite', file });
    try {
      expect((await store.profilesNamedInFeed(['p_e', 'p_x', 'p_none'])).sort()).toEqual(['p_e', 'p_x']);
      await store.eraseSubjects({ identityKeys: ['CRMID:erased'], streams: [], rewrittenEvents: [], feed: { profileIds: ['p_e'], at: Date.parse(at), noticed: true } });
      expect(await store.readChanges({ limit: 10 })).toEqual([items[2]]);
      expect(await store.profilesNamedInFeed(['p_e', 'p_x'])).toEqual(['p_x']);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite read store: timeline stored with a key on event_id', () => {
  it('keeps serving, storing each event once and rewriting it at erasure, in a file written with the old layout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
    const file = join(dir, 'read.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE v1_events (
        event_id TEXT PRIMARY KEY, primary_key TEXT NOT NULL, ts INTEGER NOT NULL, type TEXT NOT NULL,
        source TEXT NOT NULL, position TEXT NOT NULL, recorded_at INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX v1_events_by_primary_time ON v1_events (primary_key, ts, event_id, type)`);
    old.prepare('INSERT INTO v1_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run('e1', 'CRMID:a', 100, 'view', 'web', '3', 9000, JSON.stringify({ n: 1 }));
    old.close();
    const store = await openReadStore({ kind: 'sqlite', file });
    const stored = (eventId: string, timestamp: number, position: string, doc: Record<string, unknown>): TimelineEvent =>
      ({ eventId, primaryKey: 'CRMID:a', timestamp, type: 'view', source: 'web', position, recordedAt: 9000, doc: opaque(doc) });
    try {
      await store.commit({ events: [stored('e1', 100, '3', { n: 'again' }), stored('e2', 200, '4', { n: 2 })] }, { projector: 'p', position: '4' });
      const page = await store.queryEvents({ primaryKeys: ['CRMID:a'], order: 'desc', limit: 10 });
      expect(page.items.map((e) => [e.eventId, e.doc])).toEqual([['e2', { n: 2 }], ['e1', { n: 1 }]]);
      expect(await store.getEventStats(['CRMID:a'])).toEqual([{ primaryKey: 'CRMID:a', count: 1, lastEventAt: 200, lastPosition: '4' }]);
      await store.eraseSubjects({ identityKeys: ['CRMID:gone'], streams: [], rewrittenEvents: [stored('e1', 100, '3', { n: 'redacted' })] });
      const after = await store.queryEvents({ primaryKeys: ['CRMID:a'], order: 'asc', limit: 10 });
      expect(after.items.map((e) => e.doc)).toEqual([{ n: 'redacted' }, { n: 2 }]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores a new file’s timeline without a key on event_id alone, each event still once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-rs-'));
    const file = join(dir, 'read.db');
    const store = await openReadStore({ kind: 'sqlite', file });
    try {
      const e: TimelineEvent = { eventId: 'e1', primaryKey: 'CRMID:a', timestamp: 100, type: 'view', source: 'web', position: '3', recordedAt: 9000, doc: opaque({ n: 1 }) };
      await store.commit({ events: [e] }, { projector: 'p', position: '3' });
      await store.commit({ events: [{ ...e, doc: opaque({ n: 'again' }) }] }, { projector: 'p', position: '4' });
      expect((await store.queryEvents({ primaryKeys: ['CRMID:a'], order: 'asc', limit: 10 })).items.map((x) => x.doc)).toEqual([{ n: 1 }]);
      expect((await store.getEventStats(['CRMID:a']))[0]?.count).toBe(1);
    } finally {
      await store.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'v1_events'").pluck().all();
      expect(indexes).toEqual(['v1_events_by_primary_time']);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
