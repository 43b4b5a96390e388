import type { RederiveJob, SubjectErasure } from '../read-store.port';
import type { ReadModelCollections } from './mongo-collections';
import { chunks } from './mongo-guarded-writes';

/**
 * Deletes an erased subject's documents collection by collection (no multi-document transaction to rely on; a
 * failed erasure is re-run whole, and every step is idempotent). MongoDB cannot scrub freed space: the server
 * reuses it, and its oplog and backups age out (README, Privacy).
 */
export async function eraseInMongo(c: ReadModelCollections, erasure: SubjectErasure): Promise<void> {
  for (const keys of chunks([...new Set(erasure.identityKeys)])) {
    await c.nodes.deleteMany({ _id: { $in: keys } });
    await c.links.deleteMany({ a: { $in: keys } });
    await c.links.deleteMany({ b: { $in: keys } });
    await c.fragments.deleteMany({ primaryKey: { $in: keys } });
    await c.events.deleteMany({ primaryKey: { $in: keys } });
    await c.stats.deleteMany({ _id: { $in: keys } });
    await c.profiles.deleteMany({ _id: { $in: keys } });
    await c.itemIndex.deleteMany({ identityKey: { $in: keys } });
  }
  // By key where the caller named the streams' identities (the index is by identity), else by stream (a scan).
  const streams = [...new Set(erasure.streams)];
  if (erasure.streamIdentityKeys) {
    for (const keys of chunks([...new Set(erasure.streamIdentityKeys)])) await c.itemIndex.deleteMany({ identityKey: { $in: keys }, stream: { $in: streams } });
  } else {
    for (const part of chunks(streams)) await c.itemIndex.deleteMany({ stream: { $in: part } });
  }
  for (const event of erasure.rewrittenEvents) {
    await c.events.updateOne({ _id: event.eventId }, { $set: { doc: JSON.stringify(event.doc) } });
  }
  await moveRederiveCursors(c, new Set(erasure.identityKeys));
}

/**
 * A streamed re-derivation's cursor is a node key: one naming an erased identity moves back to the node key before
 * it (the walk does a few keys again, which changes nothing), so no erased value stays behind in the job.
 */
async function moveRederiveCursors(c: ReadModelCollections, erased: Set<string>): Promise<void> {
  for (const found of await c.rederiveJobs.find({}).toArray()) {
    const { after, ...job } = JSON.parse(found.doc) as RederiveJob;
    if (after === undefined || !erased.has(after)) continue;
    const [before] = await c.nodes.find({ _id: { $lt: after } }, { projection: { _id: 1 } }).sort({ _id: -1 }).limit(1).toArray();
    await c.rederiveJobs.replaceOne({ _id: found._id }, { doc: JSON.stringify(before ? { ...job, after: before._id } : job) });
  }
}
