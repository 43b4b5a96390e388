import { identityKey, type IdentityKey, type IdentityRef } from '../model';
import { flattenAttributes, type LeafValue } from './attribute-path';
import { writeLeaf } from './leaf-set';

/**
 * One leaf of a fragment: the latest write seen at its path. `value` is null when that write deleted the leaf, or
 * when a newer write at a related path (an ancestor or a descendant) superseded it; the entry is kept so that an
 * older record arriving late cannot bring the leaf back.
 */
export interface FragmentLeaf {
  path: string;
  value: LeafValue | null;
  /** The record's own timestamp (when the source observed the values), epoch ms. */
  timestamp: number;
  /** The record's place in the log: breaks timestamp ties, the later in the log wins. */
  logSeq: number;
  recordId: string;
}

/**
 * Everything one source said about one primary identity, folded from its records. Plain JSON, stored as an opaque
 * document in SQLite and MongoDB: leaves are an ARRAY of entries carrying their path (Mongo field names cannot
 * hold '.', and '$' never becomes a key), sorted by path in code-unit order (the order `applyRecordToFragment`
 * keeps and relies on), no undefined values anywhere.
 */
export interface Fragment {
  source: string;
  primaryKey: IdentityKey;
  leaves: FragmentLeaf[];
  /** Earliest and latest record timestamp applied, epoch ms. */
  firstRecordAt: number;
  lastRecordAt: number;
  /** The highest logSeq applied. */
  lastLogSeq: number;
}

/** A record as the fragment fold needs it. */
export interface ProfileRecord {
  recordId: string;
  source: string;
  /** identityKey of the record's primary identity. */
  primaryKey: IdentityKey;
  /** When the source observed the values, epoch ms. */
  timestamp: number;
  /**
   * The record's order in the log, as a number that grows along the log: the global position for SQLite, or the
   * index of the record in the log. Only its order matters: it breaks timestamp ties (the later in the log wins).
   */
  logSeq: number;
  attributes: Record<string, unknown>;
}

/** The part of a RecordIngested payload (src/events/catalogue.ts) the fold reads; the catalogue's type fits it. */
export interface RecordIngestedData {
  itemId: string;
  source: string;
  /** ISO-8601 with a zone, as the log holds it. */
  timestamp: string;
  primary: IdentityRef;
  attributes: Record<string, unknown>;
}

/**
 * A logged record as the fold needs it, so the projector, asOf and rebuild convert it the same way. recordId is
 * the client's item id (what provenance names); logSeq is the record's order in the log (see ProfileRecord).
 */
export function toProfileRecord(data: RecordIngestedData, logSeq: number): ProfileRecord {
  return {
    recordId: data.itemId,
    source: data.source,
    primaryKey: identityKey(data.primary),
    timestamp: Date.parse(data.timestamp),
    logSeq,
    attributes: data.attributes,
  };
}

interface Stamp {
  timestamp: number;
  logSeq: number;
  recordId: string;
}

/**
 * The timestampOrdered order: newer timestamp wins, then the later in the log, then (only if a caller reuses a
 * logSeq) the greater record id, so the order is total and the fold never depends on arrival order.
 */
export function isNewer(a: Stamp, b: Stamp): boolean {
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  if (a.logSeq !== b.logSeq) return a.logSeq > b.logSeq;
  return a.recordId > b.recordId;
}

/**
 * Folds one record into the fragment of its (source, primary identity); pure: the input fragment is not changed.
 * Each leaf the record holds (null included) is a write at its path, and a write at path p supersedes every older
 * write at p, under p and at any prefix of p; it is itself superseded by any newer write there. Concretely:
 * - a newer scalar at 'a' replaces an older object at 'a' (its leaves 'a.x', 'a.y' go away);
 * - a newer leaf at 'a.x' replaces an older scalar at 'a' (which becomes an object holding x);
 * - a newer null at p deletes p and everything under it, and an older scalar at a prefix of p;
 * - an older write shows nowhere a newer related write exists, whatever the arrival order.
 * The visible result is that of a plain deep merge of the records from the oldest (timestamp, logSeq) to the
 * newest, and the leaves themselves do not depend on arrival order. Applying a record again changes no leaf.
 * Distinct records must carry distinct logSeq values for the tie-break to follow the log.
 */
export function applyRecordToFragment(fragment: Fragment | undefined, record: ProfileRecord): Fragment {
  if (fragment !== undefined && (fragment.source !== record.source || fragment.primaryKey !== record.primaryKey)) {
    throw new Error('record applied to the fragment of another source or primary identity');
  }
  const leaves = fragment === undefined ? [] : fragment.leaves.slice();
  const { timestamp, logSeq, recordId } = record;
  for (const { path, value } of flattenAttributes(record.attributes)) {
    writeLeaf<FragmentLeaf>(leaves, { path, value, timestamp, logSeq, recordId }, isNewer);
  }
  return {
    source: record.source,
    primaryKey: record.primaryKey,
    leaves,
    firstRecordAt: fragment === undefined ? timestamp : Math.min(fragment.firstRecordAt, timestamp),
    lastRecordAt: fragment === undefined ? timestamp : Math.max(fragment.lastRecordAt, timestamp),
    lastLogSeq: fragment === undefined ? logSeq : Math.max(fragment.lastLogSeq, logSeq),
  };
}
