import { deriveEventId, encode, type DomainEvent } from '../../src/events';
import type { EventStore } from '../../src/event-store/event-store.port';
import type { IdentityRef } from '../../projections/model';

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

/** Appends domain events one by one (each to its own subject stream, as ingestion does); returns the last position. */
export async function appendAll(log: EventStore, events: DomainEvent[], stream = 'subject-test'): Promise<string> {
  let position = '';
  for (const event of events) {
    const data = event.data as { itemId?: string; source?: string };
    const id = deriveEventId(event.type, data.source ?? 'test', data.itemId ?? `x${++seq}`);
    position = (await log.append(stream, [encode(event, id)])).position;
  }
  return position;
}
