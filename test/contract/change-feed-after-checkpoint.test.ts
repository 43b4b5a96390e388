import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { changeId, timedId } from '../../projections/change-feed';
import { positionKey } from '../../src/read-store/position-key';
import { appendAfterCheckpoint, readChanges } from '../../src/read-store/mongodb/mongo-change-feed';
import { readModelCollections } from '../../src/read-store/mongodb/mongo-collections';
import { changeFeedSchemaSql, openChangeFeedTables } from '../../src/read-store/sqlite/sqlite-change-feed';
import { schemaSql } from '../../src/read-store/sqlite/sqlite-schema';
import { startJongodb, type Jongodb } from '../support/jongodb';

/**
 * Changes written between batches (audience lapses, backfills) go after the checkpoint, by moment, in the order
 * written: a change whose moment is before the last one there takes that last moment (ids only grow).
 */
const drafts = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'audience.exited' as const, profileId: `p${i}`, audienceId: 'a', at: 1_000 + i }));
const key = positionKey('12');

describe('after-checkpoint changes', () => {
  it('sqlite: numbered after the checkpoint, continuing across calls, after every batch item there', () => {
    const db = new Database(':memory:');
    db.exec(schemaSql('v1_'));
    db.exec(changeFeedSchemaSql('v1_'));
    db.prepare('INSERT INTO v1_checkpoints (projector, position, pos) VALUES (?, ?, ?)').run('profiles', '12', key);
    const feed = openChangeFeedTables(db, 'v1_');
    feed.write([{ id: changeId(key, 0), type: 'profile.created', at: 'T', profileId: 'p9' }]);
    expect(feed.appendAfterCheckpoint(drafts(2)).map((i) => i.id)).toEqual([timedId(key, 1_000, 0), timedId(key, 1_001, 0)]);
    expect(feed.appendAfterCheckpoint(drafts(1)).map((i) => i.id)).toEqual([timedId(key, 1_001, 1)]);
    expect(feed.read({ limit: 10 }).map((i) => i.profileId)).toEqual(['p9', 'p0', 'p1', 'p0']);
    db.close();
  });

  let jongodb: Jongodb | undefined;
  beforeAll(async () => {
    jongodb = await startJongodb();
  }, 30_000);
  afterAll(() => jongodb?.stop());

  it('mongodb: the same numbering', async () => {
    const client = await MongoClient.connect(jongodb!.uri);
    try {
      const c = readModelCollections(client.db(`after_cp_${process.pid}`), 'v1_');
      await c.checkpoints.insertOne({ _id: 'profiles', pos: key, position: '12' });
      expect((await appendAfterCheckpoint(c, drafts(2))).map((i) => i.id)).toEqual([timedId(key, 1_000, 0), timedId(key, 1_001, 0)]);
      expect((await appendAfterCheckpoint(c, drafts(1))).map((i) => i.id)).toEqual([timedId(key, 1_001, 1)]);
      expect((await readChanges(c.changes, { limit: 10 })).map((i) => i.at)).toEqual(['1970-01-01T00:00:01.000Z', '1970-01-01T00:00:01.001Z', '1970-01-01T00:00:01.000Z']);
    } finally {
      await client.close();
    }
  });
});
