import { identityKey, type IdentityKey, type IdentityRef } from '../../projections/model';
import { decode, type DecodedEvent, type PrivacyScope } from '../events';
import type { EventStore } from '../event-store/event-store.port';
import { subjectStream } from '../identity';
import type { ItemIndexEntry, ReadStore } from '../read-store/read-store.port';
import { subjectIdOf } from './field-cipher';

/** The identities a request covers, and what names them in the stores: keys, subject ids, streams. */
export interface SubjectSet {
  identities: IdentityRef[];
  keys: IdentityKey[];
  subjectIds: string[];
  /** Their subject streams: every record and event whose primary identity is among them, and their links. */
  streams: string[];
}

/** scope graph: every identity of the person's current graph; scope identity: just the one. */
export async function resolveSubjectSet(
  store: ReadStore,
  hashKey: string,
  identity: IdentityRef,
  scope: PrivacyScope,
): Promise<SubjectSet> {
  const node = await store.getNode(identityKey(identity));
  const nodes = node && scope === 'graph' ? await store.getNodesOfGraphs([node.graphId]) : [];
  const byKey = new Map<IdentityKey, IdentityRef>([[identityKey(identity), identity]]);
  for (const n of nodes) byKey.set(n.key, { namespace: n.namespace, id: n.id });
  const identities = [...byKey.values()];
  return {
    identities,
    keys: [...byKey.keys()],
    subjectIds: identities.map((i) => subjectIdOf(hashKey, i)),
    streams: identities.map((i) => subjectStream(hashKey, i)),
  };
}

/** The log items that hold the subject: its own streams whole, and other people's items that name one of them. */
export interface SubjectItems {
  own: DecodedEvent[];
  /** Index rows of other people's items naming the subject (read again after the keys are gone). */
  otherRows: ItemIndexEntry[];
  others: DecodedEvent[];
}

export async function collectSubjectItems(log: EventStore, store: ReadStore, set: SubjectSet): Promise<SubjectItems> {
  const own: DecodedEvent[] = [];
  for (const stream of set.streams) own.push(...(await log.readStream(stream)).map(decode));
  const ownStreams = new Set(set.streams);
  const seen = new Set(own.map((d) => d.eventId));
  const otherRows = dedupe((await store.getItemsOfIdentities(set.keys)).filter((r) => !ownStreams.has(r.stream) && !seen.has(r.eventId)));
  return { own, otherRows, others: await readRows(log, otherRows) };
}

/** The items of these index rows as the log reads now. */
export async function readRows(log: EventStore, rows: ItemIndexEntry[]): Promise<DecodedEvent[]> {
  const out: DecodedEvent[] = [];
  for (const row of rows) {
    const [recorded] = await log.readStream(row.stream, { fromRevision: row.revision, limit: 1 });
    if (recorded && recorded.eventId === row.eventId) out.push(decode(recorded));
  }
  return out;
}

function dedupe(rows: ItemIndexEntry[]): ItemIndexEntry[] {
  const byEvent = new Map<string, ItemIndexEntry>();
  rows.forEach((r) => byEvent.set(r.eventId, r));
  return [...byEvent.values()];
}
