import { deriveEventId, encode, type DomainEvent } from '../../src/events';
import type { EventStore } from '../../src/event-store/event-store.port';
import type { IdentityRef } from '../../projections/model';
import type { Condition } from '../../projections/conditions';
import type { ComputedAttributeSpec } from '../../projections/computed-attributes';
import { AUDIENCES_STREAM } from '../../src/audiences/audience-definitions.service';
import { COMPUTED_ATTRIBUTES_STREAM } from '../../src/computed-attributes/stream';

/** Identities written the way the scenario files write them: "CRMID:Tom". */
export function ids(...keys: string[]): IdentityRef[] {
  return keys.map((k) => {
    const colon = k.indexOf(':');
    return { namespace: k.slice(0, colon), id: k.slice(colon + 1) };
  });
}

let seq = 0;
const iso = (t: number) => new Date(t).toISOString();

export function record(source: string, t: number, identities: IdentityRef[], attributes: Record<string, unknown>): DomainEvent {
  const itemId = `r${++seq}`;
  return { type: 'RecordIngested', data: { itemId, source, timestamp: iso(t), identities, primary: identities[0], attributes } };
}

export function experience(t: number, identities: IdentityRef[], type = 'pageView', data: Record<string, unknown> = {}): DomainEvent {
  const itemId = `e${++seq}`;
  return {
    type: 'ExperienceEventIngested',
    data: { itemId, source: 'web', type, timestamp: iso(t), identities, primary: identities[0], data },
  };
}

export function link(t: number, identities: IdentityRef[], source = 'links'): DomainEvent {
  return { type: 'LinkObserved', data: { itemId: `l${++seq}`, source, timestamp: iso(t), identities } };
}

function encoded(event: DomainEvent) {
  const data = event.data as { itemId?: string; source?: string };
  return encode(event, deriveEventId(event.type, data.source ?? 'test', data.itemId ?? `x${++seq}`));
}

/** Appends domain events one by one, in order; returns the last position. */
export async function appendAll(log: EventStore, events: DomainEvent[], stream = 'subject-test'): Promise<string> {
  let position = '';
  for (const event of events) position = (await log.append(stream, [encoded(event)])).position;
  return position;
}

/** Appends domain events in one append, so they share one log time (the same millisecond); returns its position. */
export async function appendTogether(log: EventStore, events: DomainEvent[], stream = 'subject-test'): Promise<string> {
  return (await log.append(stream, events.map(encoded))).position;
}

/**
 * Appends many events fast: 64 in flight, so group commit shares fsyncs. Log order within a window of 64 is the
 * store's, not the array's: for workloads whose exact order does not matter.
 */
export async function appendConcurrently(log: EventStore, events: DomainEvent[], stream = 'subject-bulk'): Promise<void> {
  for (let i = 0; i < events.length; i += 64) {
    await Promise.all(events.slice(i, i + 64).map((event) => log.append(stream, [encoded(event)])));
  }
}

/**
 * Audience and computed-attribute definitions as the services append them (their own streams, one revision after
 * another), so a workload can put them anywhere in the log and a rebuild folds them where they are.
 */
export async function defineAudience(log: EventStore, audienceId: string, condition: Condition, version = 1): Promise<string> {
  const data = { audienceId, name: audienceId, condition, version };
  return appendDefinition(log, AUDIENCES_STREAM, encode({ type: 'AudienceSaved', data }, deriveEventId('AudienceSaved', audienceId, String(version))));
}

export async function defineComputed(log: EventStore, name: string, spec: ComputedAttributeSpec, version = 1): Promise<string> {
  const data = { ...spec, name, version };
  return appendDefinition(log, COMPUTED_ATTRIBUTES_STREAM, encode({ type: 'ComputedAttributeSaved', data }, deriveEventId('ComputedAttributeSaved', name, String(version))));
}

async function appendDefinition(log: EventStore, stream: string, event: ReturnType<typeof encode>): Promise<string> {
  const revision = (await log.readStream(stream)).length;
  return (await log.append(stream, [event], revision === 0 ? 'no_stream' : revision - 1)).position;
}

/**
 * Definitions for the crash and rebuild workloads (records with `tier`, links to cookies, `view` events), saved
 * before any item so no backfill runs: memberships move only with items, merges and splits, whose every move the
 * rebuild-equality check then compares.
 */
export async function defineWorkloadAudiences(log: EventStore): Promise<void> {
  await defineComputed(log, 'views', { function: 'count', eventType: 'view' });
  await defineAudience(log, 'tierOne', { attribute: 'tier', op: 'eq', value: 't1' });
  await defineAudience(log, 'cookied', { identity: 'ECID', op: 'exists' });
  await defineAudience(log, 'viewer', { event: { type: 'view' }, count: { op: 'gte', value: 3 } });
  await defineAudience(log, 'tierOneViewer', { and: [{ audience: 'tierOne', op: 'member' }, { audience: 'viewer', op: 'member' }] });
  await defineAudience(log, 'notTierOne', { not: { audience: 'tierOne', op: 'member' } });
}
