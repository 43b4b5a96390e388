import { deriveEventId } from '../../../src/events/event-id';
import { subjectStream } from '../../../src/identity/subject-stream';
import type { BatchItem, IdentityInput } from '../gen/workload';

/**
 * The log rows the service writes for a list of items, built without the service: the baselines insert exactly
 * these (same event ids, stream names and payload bytes as the encoded catalogue event, give or take key order), so
 * a ratio compares bookkeeping, not different data.
 */
export interface LogRow {
  eventId: string;
  stream: string;
  type: string;
  data: string;
  metadata: string;
}

const PRIORITY = ['CRMID', 'loginID', 'Email', 'Phone', 'IDFA', 'GAID', 'ECID'];
const TYPES = { record: 'RecordIngested', event: 'ExperienceEventIngested', link: 'LinkObserved' } as const;
const HASH_KEY = 'bench-hash-key-0123456789abcdef';

function primaryOf(item: BatchItem): IdentityInput {
  const marked = item.kind === 'record' ? item.identities.find((i) => i.primary) : undefined;
  if (marked) return marked;
  return [...item.identities].sort((a, b) => PRIORITY.indexOf(a.namespace) - PRIORITY.indexOf(b.namespace))[0];
}

export function logRowOf(item: BatchItem): LogRow {
  const primary = primaryOf(item);
  const identities = item.identities.map(({ namespace, id }) => ({ namespace, id }));
  const base = { itemId: item.id, source: item.source, timestamp: item.timestamp, identities };
  const payload =
    item.kind === 'record'
      ? { ...base, primary: { namespace: primary.namespace, id: primary.id }, attributes: item.attributes }
      : item.kind === 'event'
        ? { ...base, type: item.type, primary: { namespace: primary.namespace, id: primary.id }, data: item.data }
        : base;
  return {
    eventId: deriveEventId(item.kind, item.source, item.id),
    stream: subjectStream(HASH_KEY, { namespace: primary.namespace, id: primary.id }),
    type: TYPES[item.kind],
    data: JSON.stringify(payload),
    metadata: JSON.stringify({ schemaVersion: 1 }),
  };
}
