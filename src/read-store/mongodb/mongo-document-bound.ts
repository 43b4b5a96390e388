import { ReadModelRejectedError } from '../read-model-rejected';

/**
 * The largest read-model document this adapter writes: a quarter of MongoDB's 16 MB limit, so that a document
 * never nears the limit where an update's growth would fail mid-batch on the server.
 *
 * Where documents could grow: one document per identity, per link (a hub identity's many removed links are many
 * small documents, never one list), per event (a profile's 100k events are 100k documents; its stats document is
 * two counters). What grows with the data is one fragment (the leaves one source told of one identity) and one
 * profile (the merged leaves and the identities of a graph): those are capped here, and a write over the cap is
 * refused before anything of the batch is written, as a permanent error the projector parks on.
 */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

export function assertBounded(kind: string, docs: { doc: string }[], max = MAX_DOCUMENT_BYTES): void {
  for (const d of docs) {
    // JSON is at most 3 bytes per UTF-16 unit: only a long string needs counting.
    if (d.doc.length * 3 <= max) continue;
    const bytes = Buffer.byteLength(d.doc, 'utf8');
    if (bytes > max) throw new ReadModelRejectedError(`a ${kind} document would hold ${bytes} bytes, over the bound of ${max}`);
  }
}
