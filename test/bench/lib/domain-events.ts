import type { IdentityRef } from '../../../projections/model';
import type { DomainEvent } from '../../../src/events';
import type { BatchItem } from '../gen/workload';

const PRIORITY = ['CRMID', 'loginID', 'Email', 'Phone', 'IDFA', 'GAID', 'ECID'];

/**
 * The bench workload as log events, its timestamps moved so that the last one is an hour ago: windows of an hour
 * and more hold events, as they would in a live system (the in-process projector benchmarks append these).
 */
export function domainEvents(items: readonly BatchItem[]): DomainEvent[] {
  const last = Math.max(...items.map((i) => Date.parse(i.timestamp)));
  const shift = Date.now() - 3_600_000 - last;
  return items.map((item) => {
    const identities: IdentityRef[] = item.identities.map(({ namespace, id }) => ({ namespace, id }));
    const primary = item.identities.find((i) => i.primary) ?? [...item.identities].sort((a, b) => PRIORITY.indexOf(a.namespace) - PRIORITY.indexOf(b.namespace))[0];
    const base = { itemId: item.id, source: item.source, timestamp: new Date(Date.parse(item.timestamp) + shift).toISOString(), identities };
    const p = { namespace: primary.namespace, id: primary.id };
    if (item.kind === 'record') return { type: 'RecordIngested', data: { ...base, primary: p, attributes: item.attributes } };
    if (item.kind === 'event') return { type: 'ExperienceEventIngested', data: { ...base, type: item.type, primary: p, data: item.data } };
    return { type: 'LinkObserved', data: base };
  });
}
