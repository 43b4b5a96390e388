import { Binary, BSON } from 'mongodb';
import type { Position } from '../../event-store';
import type { Checkpoint, ReadModelBatch } from '../read-store.port';
import type { CommitJournalDoc, ReadModelCollections } from './mongo-collections';

/** Each journal document holds at most this much of the serialised batch: far below MongoDB's 16 MB per document. */
const PART_BYTES = 8 * 1024 * 1024;

/**
 * A MongoDB commit is many writes and then the checkpoint, with no transaction (jongodb and a standalone server
 * have none). Without a journal, a crash between the first write and the checkpoint left some documents in the
 * batch's after-state; the restarted projector then loaded its scope from that mix and folded the batch on top of
 * it, so it could decide differently (a link a rebuild removes stayed active). Now the whole batch is written here
 * first, as BSON in parts, before any read-model document; the projector finishes an interrupted commit from it
 * before it loads anything, so the store reaches exactly the batch's after-state, as a transaction would.
 *
 * `from` is the checkpoint the batch was folded on: a journal is only replayed over that same checkpoint.
 */
export async function writeJournal(c: ReadModelCollections, checkpoint: Checkpoint, from: Position | undefined, batch: ReadModelBatch): Promise<void> {
  await clearJournal(c, checkpoint.projector);
  const bytes = BSON.serialize({ batch, checkpoint }, { ignoreUndefined: true });
  const parts = Math.max(1, Math.ceil(bytes.length / PART_BYTES));
  const docs: CommitJournalDoc[] = Array.from({ length: parts }, (_, part) => ({
    _id: `${checkpoint.projector}/${part}`,
    projector: checkpoint.projector,
    position: checkpoint.position,
    from: from ?? null,
    part,
    parts,
    bytes: new Binary(bytes.subarray(part * PART_BYTES, (part + 1) * PART_BYTES)),
  }));
  // One part at a time: a batch near the limit in several parts would otherwise be one oversized request.
  for (const doc of docs) await c.commitJournal.insertOne(doc);
}

export async function clearJournal(c: ReadModelCollections, projector: string): Promise<void> {
  await c.commitJournal.deleteMany({ projector });
}

/**
 * The batch a crash interrupted, when the journal holds every part of one folded on the checkpoint that is stored
 * now; otherwise undefined (no commit was under way, it finished, or it died while the journal was written, before
 * any read-model document was touched).
 */
export async function interruptedCommit(c: ReadModelCollections, projector: string, stored: Position | undefined): Promise<{ batch: ReadModelBatch; checkpoint: Checkpoint } | undefined> {
  const docs = await c.commitJournal.find({ projector }).sort({ part: 1 }).toArray();
  if (docs.length === 0) return undefined;
  const { parts, position, from } = docs[0];
  const complete = docs.length === parts && docs.every((d, i) => d.part === i && d.position === position && d.from === from);
  if (!complete || (from ?? undefined) !== stored) return undefined;
  const bytes = Buffer.concat(docs.map((d) => Buffer.from(d.bytes.buffer)));
  // The checkpoint as committed, a re-derivation chunk's `step` included.
  return BSON.deserialize(bytes, { promoteValues: true }) as { batch: ReadModelBatch; checkpoint: Checkpoint };
}
