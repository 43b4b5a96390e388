import type { IdentityRef, LinkState } from '../../../projections/model';
import { type DecodedEvent, type PrivacyCounts } from '../../events';
import type { SubjectSet } from '../subject-set';

/** What an access request hands back: every record, event and link held for the subject, and the profile. */
export interface AccessExport {
  identities: IdentityRef[];
  profile: Record<string, unknown> | null;
  records: Array<Record<string, unknown>>;
  events: Array<Record<string, unknown>>;
  /** Link observations (items that only linked identities). */
  links: Array<Record<string, unknown>>;
  /** The identity graph's links touching the subject, with first/last seen, sources and status. */
  graphLinks: LinkState[];
}

/** Pure: the export from the items found (own and others'), the graph links and the profile body. */
export function buildAccessExport(
  set: SubjectSet,
  items: DecodedEvent[],
  graphLinks: LinkState[],
  profile: Record<string, unknown> | null,
): { export: AccessExport; counts: PrivacyCounts } {
  const out: AccessExport = { identities: set.identities, profile, records: [], events: [], links: [], graphLinks };
  for (const decoded of items) {
    const logged = { position: decoded.position, recordedAt: decoded.recordedAt.toISOString() };
    const { event } = decoded;
    if (event.type === 'RecordIngested') {
      const { itemId, source, timestamp, identities, primary, attributes } = event.data;
      out.records.push({ id: itemId, source, timestamp, identities, primaryIdentity: primary, attributes, ...logged });
    } else if (event.type === 'ExperienceEventIngested') {
      const { itemId, type, source, timestamp, identities, primary, data } = event.data;
      out.events.push({ id: itemId, type, source, timestamp, identities, primaryIdentity: primary, data, ...logged });
    } else if (event.type === 'LinkObserved') {
      const { itemId, source, timestamp, identities } = event.data;
      out.links.push({ id: itemId, source, timestamp, identities, ...logged });
    }
  }
  return { export: out, counts: countsOf(set, out) };
}

export function countsOf(set: SubjectSet, found: Pick<AccessExport, 'records' | 'events' | 'links'>): PrivacyCounts {
  return { identities: set.identities.length, records: found.records.length, events: found.events.length, links: found.links.length };
}
