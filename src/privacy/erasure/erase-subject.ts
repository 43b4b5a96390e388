import { identityKey, type IdentityKey, type IdentityRef } from '../../../projections/model';
import { type DecodedEvent, type ItemRef, type PrivacyCounts, type SubjectErasedV1 } from '../../events';
import type { EventStore } from '../../event-store/event-store.port';
import type { Position } from '../../event-store';
import { timelineEventOf } from '../../read-models';
import { positionKey } from '../../read-store';
import type { ReadStore, TimelineEvent } from '../../read-store/read-store.port';
import { buildAccessExport, countsOf } from '../access/access-export';
import type { SubjectKeys } from '../subject-keys';
import { collectSubjectItems, readRows, type SubjectSet } from '../subject-set';

/** How long each step took, for the operator's log (no personal data). */
export type ErasureTimings = Record<'collect' | 'keys' | 'streams' | 'audit' | 'readModels' | 'purge', number>;

export interface ErasureSteps {
  log: EventStore;
  keys: SubjectKeys;
  store: ReadStore;
  /** Appends the audit event; resolves with its position. */
  audit(event: SubjectErasedV1): Promise<Position>;
  /** Resolves true once the read models have applied the log up to `position`. */
  processed(position: Position): Promise<boolean>;
  suppress(set: SubjectSet): Promise<void>;
  now(): Date;
  /** The public id of a graph id: the feed names profiles by it, so an erasure purges and notices them. */
  profileIdOf?(graphId: IdentityKey): string;
  /** Called once the erasure is done. */
  timed?(timings: ErasureTimings): void;
}

export class ErasureStalledError extends Error {}

/**
 * Erases a subject set, in an order where every step makes the next safe:
 * 1. count what the subject holds (own records, events, links) for the audit;
 * 2. delete the subject keys: from here on every reader of the log, live or replaying, sees none of it;
 * 3. erase the subject streams physically where the store can;
 * 4. append SubjectErased (no personal data; the pseudonymous profile ids the feed notices as erased, which the
 *    projector writes as profile.erased items at the event's position); when a link joined the subject to anybody else, the projector
 *    treats it as a rule event and re-derives, from the log that now reads without the subject, the closure of
 *    the people they shared items with (`seeds`, found in step 1), so those people come out as a replay would
 *    make them (a lone person costs no re-derivation);
 * 5. once the read models have passed it (no batch decoded before step 2 can land later), purge the subject's
 *    rows and feed items, and rewrite other people's timeline events and feed items that named them.
 */
export async function eraseSubject(steps: ErasureSteps, set: SubjectSet, requestId: string, suppress: boolean): Promise<PrivacyCounts> {
  const lap = stopwatch();
  const items = await collectSubjectItems(steps.log, steps.store, set);
  const counts = countsOf(set, buildAccessExport(set, items.own, [], null).export);
  const rederive = await linkedToOthers(steps.store, set);
  const seeds = rederive ? await rederiveSeeds(steps.store, set, [...items.own, ...items.others]) : undefined;
  // The profiles the subject is part of now, read before anything is erased: those that stay keep their feed items,
  // but not the computed values those items carry (they may have counted the subject's events).
  const heldBy = new Set((await steps.store.getNodes(set.keys)).map((n) => n.graphId));
  const collect = lap();
  await steps.keys.erase(set.subjectIds);
  const keys = lap();
  await steps.log.eraseStreams(set.streams);
  const streams = lap();
  if (suppress) await steps.suppress(set);
  const rewrittenEvents = (await readRows(steps.log, items.otherRows))
    .map(timelineEventOf)
    .filter((e): e is TimelineEvent => e !== undefined);
  const orphans = await orphanedBy(steps.store, set, items.own);
  const identityKeys = [...set.keys, ...orphans];
  const profileIds = steps.profileIdOf ? identityKeys.map((k) => steps.profileIdOf!(k)) : undefined;
  const erasedProfiles = profileIds && (await noticedProfiles(steps, identityKeys, profileIds));
  const position = await steps.audit({
    requestId, at: steps.now().toISOString(), counts, rederive, ...(seeds ? { seeds } : {}), ...(erasedProfiles ? { erasedProfiles } : {}),
  });
  const audit = lap();
  if (!(await steps.processed(position))) {
    throw new ErasureStalledError('The read models did not reach the erasure in time; submit the request again to finish it');
  }
  const readModels = lap();
  const redacted = profileIds && [...heldBy].map((g) => steps.profileIdOf!(g)).filter((id) => !profileIds.includes(id));
  const feed = profileIds && { profileIds, at: steps.now().getTime(), noticed: true, ...(redacted?.length ? { redacted, redactBefore: positionKey(position) } : {}) };
  const streamIdentityKeys = identitiesNamed(items.own);
  await steps.store.eraseSubjects({ identityKeys, streams: set.streams, streamIdentityKeys, rewrittenEvents, ...(feed ? { feed } : {}) });
  steps.timed?.({ collect, keys, streams, audit, readModels, purge: lap() });
  return counts;
}

/**
 * The profile ids the feed must be told are erased: of the erased identities' ids, those with a profile now or that
 * some feed item named. Read once the read models have taken in everything logged so far (the subject's keys are
 * gone by now, so nothing logged later can name them), so no item about them lands after the list is made.
 */
async function noticedProfiles(steps: ErasureSteps, identityKeys: IdentityKey[], profileIds: string[]): Promise<string[]> {
  const head = await steps.log.headPosition();
  if (head !== undefined && !(await steps.processed(head))) {
    throw new ErasureStalledError('The read models did not reach the log head in time; submit the request again to finish it');
  }
  const named = new Set(await steps.store.profilesNamedInFeed(profileIds));
  const current = await Promise.all(identityKeys.map((k) => steps.store.getProfile(k)));
  current.forEach((profile) => profile && named.add(profile.doc.profileId));
  return [...new Set(profileIds.filter((id) => named.has(id)))].sort();
}

function stopwatch(): () => number {
  let last = Date.now();
  return () => {
    const now = Date.now();
    const ms = now - last;
    last = now;
    return ms;
  };
}

/**
 * Identities the subject's own items named that no remaining item names (a device seen only in an erased record):
 * the log no longer knows them, so neither may the read models.
 */
async function orphanedBy(store: ReadStore, set: SubjectSet, own: DecodedEvent[]): Promise<IdentityKey[]> {
  const inSet = new Set(set.keys);
  const candidates = new Set<IdentityKey>();
  for (const decoded of own) {
    const data = decoded.event.data as { identities?: IdentityRef[] };
    for (const identity of data.identities ?? []) if (!inSet.has(identityKey(identity))) candidates.add(identityKey(identity));
  }
  if (candidates.size === 0) return [];
  const erasedStreams = new Set(set.streams);
  const remaining = new Set(
    (await store.getItemsOfIdentities([...candidates])).filter((r) => !erasedStreams.has(r.stream)).map((r) => r.identityKey),
  );
  return [...candidates].filter((key) => !remaining.has(key));
}

/** Every identity these items name, linked or not: whose index rows point at them. */
function identitiesNamed(items: DecodedEvent[]): IdentityKey[] {
  const keys = new Set<IdentityKey>();
  for (const decoded of items) {
    const data = decoded.event.data as { identities?: IdentityRef[]; unlinked?: IdentityRef[] };
    for (const identity of [...(data.identities ?? []), ...(data.unlinked ?? [])]) keys.add(identityKey(identity));
  }
  return [...keys];
}

/** Past this many, the event would grow large for little gain: the projector re-derives every graph instead. */
export const MAX_ERASURE_SEEDS = 1000;

/**
 * One item per identity the subject shared an item with (its own items, and other people's items naming it),
 * taken outside the erased streams, so it still names that identity once the subject's keys are gone: the closure
 * of these items' identities holds every graph the erasure can change. An identity with no such item is left
 * with nothing (step 5 purges it), so it needs none. Streams and revisions name no erased value.
 */
async function rederiveSeeds(store: ReadStore, set: SubjectSet, items: DecodedEvent[]): Promise<ItemRef[] | undefined> {
  const inSet = new Set(set.keys);
  const shared = new Set<IdentityKey>();
  for (const decoded of items) {
    const data = decoded.event.data as { identities?: IdentityRef[]; unlinked?: IdentityRef[] };
    for (const identity of [...(data.identities ?? []), ...(data.unlinked ?? [])]) {
      const key = identityKey(identity);
      if (!inSet.has(key)) shared.add(key);
    }
  }
  if (shared.size > MAX_ERASURE_SEEDS) return undefined;
  const erasedStreams = new Set(set.streams);
  const byIdentity = new Map<IdentityKey, ItemRef>();
  for (const row of await store.getItemsOfIdentities([...shared])) {
    if (erasedStreams.has(row.stream) || byIdentity.has(row.identityKey)) continue;
    byIdentity.set(row.identityKey, { stream: row.stream, revision: row.revision });
  }
  const unique = new Map([...byIdentity.values()].map((ref) => [`${ref.stream}\u0000${ref.revision}`, ref]));
  return [...unique.values()].sort((x, y) => (x.stream === y.stream ? x.revision - y.revision : x.stream < y.stream ? -1 : 1));
}

/** True when some link (active or removed) joins an erased identity to one outside the set. */
async function linkedToOthers(store: ReadStore, set: SubjectSet): Promise<boolean> {
  const inSet = new Set(set.keys);
  return (await store.getLinksTouching(set.keys)).some((l) => !inSet.has(l.a) || !inSet.has(l.b));
}
