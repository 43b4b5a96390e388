import type { HistoryStep, SubjectChanges } from '../../../projections/history';
import { parseIdentityKey, type IdentityRef, type LinkState } from '../../../projections/model';
import type { DecodedEvent } from '../../events';

/** One entry of GET .../history: a log event that shaped the profile, and what it changed. */
export interface HistoryItemBody {
  position: string;
  /** Log time (what asOf compares with), ISO-8601 UTC. */
  recordedAt: string;
  /** Absent on a `windowLapse` entry: time alone changed the profile, no log event did. */
  eventId?: string;
  kind: 'record' | 'event' | 'link' | 'settingsChanged' | 'linkRejected' | 'linkRejectionWithdrawn' | 'windowLapse' | 'audienceDefinition';
  /** For records, events and links: the item as its source sent it. */
  item?: { id: string; source: string; timestamp: string; type?: string; identities: IdentityRef[] };
  /** For rule events: the rule as it was logged. */
  rule?: Record<string, unknown>;
  changes: ReturnType<typeof changesBody>;
  /** Set when the identity rules turned the item away (two values of a unique namespace): it changed nothing. */
  rejection?: { code: string; reason: string };
}

/** Only items and rule events become history entries. */
const KINDS: Partial<Record<DecodedEvent['event']['type'], HistoryItemBody['kind']>> = {
  RecordIngested: 'record',
  ExperienceEventIngested: 'event',
  LinkObserved: 'link',
  IdentitySettingsChanged: 'settingsChanged',
  LinkRejected: 'linkRejected',
  LinkRejectionWithdrawn: 'linkRejectionWithdrawn',
};

export function historyItemBody(decoded: DecodedEvent, step: HistoryStep): HistoryItemBody {
  const body: HistoryItemBody = {
    position: decoded.position,
    recordedAt: decoded.recordedAt.toISOString(),
    eventId: decoded.eventId,
    kind: KINDS[decoded.event.type]!,
    ...itemOrRule(decoded),
    changes: changesBody(step.changes),
  };
  if (step.rejection) body.rejection = { code: step.rejection.code, reason: step.rejection.reason };
  return body;
}

/**
 * A window lapse between log entries: `recordedAt` is the lapse moment (an event's timestamp plus the window, exact
 * to the millisecond), `position` the last log entry before it (the log as it stood); it changes computed values
 * and memberships only.
 */
export function lapseItemBody(position: string, lapse: { at: number; computed: unknown[]; audiences: unknown[] }): HistoryItemBody {
  const changes = { ...changesBody(EMPTY_CHANGES), ...(lapse.computed.length > 0 ? { computed: lapse.computed } : {}), ...(lapse.audiences.length > 0 ? { audiences: lapse.audiences } : {}) };
  return { position, recordedAt: new Date(lapse.at).toISOString(), kind: 'windowLapse', changes };
}

/**
 * An audience definition change that moved the profile (a backfill's entries and exits, a deleted audience's exits):
 * the definition's log event, with the memberships it moved; nothing else changed.
 */
export function definitionItemBody(change: { eventId: string; position: string; at: string; audiences: unknown[] }): HistoryItemBody {
  return { position: change.position, recordedAt: change.at, eventId: change.eventId, kind: 'audienceDefinition', changes: Object.assign(changesBody(EMPTY_CHANGES), { audiences: change.audiences }) };
}

const EMPTY_CHANGES: SubjectChanges = { attributes: [], linksAdded: [], linksRemoved: [], linksRestored: [], joined: [], left: [] };

function itemOrRule(decoded: DecodedEvent): Pick<HistoryItemBody, 'item' | 'rule'> {
  const { event } = decoded;
  switch (event.type) {
    case 'RecordIngested':
    case 'ExperienceEventIngested':
    case 'LinkObserved': {
      const { itemId, source, timestamp, identities } = event.data;
      const type = event.type === 'ExperienceEventIngested' ? { type: event.data.type } : {};
      return { item: { id: itemId, source, timestamp: new Date(timestamp).toISOString(), ...type, identities } };
    }
    case 'IdentitySettingsChanged':
      return { rule: { version: event.data.version, namespaces: event.data.namespaces, graphCap: event.data.graphCap } };
    case 'LinkRejected':
      return { rule: { ...event.data } };
    case 'LinkRejectionWithdrawn':
      return { rule: { rejectionId: event.data.rejectionId } };
    default:
      return {};
  }
}

function changesBody(changes: SubjectChanges) {
  return {
    attributes: changes.attributes,
    linksAdded: changes.linksAdded.map((l) => ({
      ...ends(l),
      firstSeen: iso(l.firstSeen),
      lastSeen: iso(l.lastSeen),
      sources: l.sources,
    })),
    linksRemoved: changes.linksRemoved.map((l) => ({
      ...ends(l),
      reason: l.reason ?? null,
      removedAt: iso(l.removedAt),
      removedBy: l.removedBy ?? null,
    })),
    linksRestored: changes.linksRestored.map((l) => ({ ...ends(l), sources: l.sources })),
    identitiesJoined: changes.joined.map(parseIdentityKey),
    identitiesLeft: changes.left.map(parseIdentityKey),
  };
}

function ends(link: LinkState): { from: IdentityRef; to: IdentityRef } {
  return { from: parseIdentityKey(link.a), to: parseIdentityKey(link.b) };
}

function iso(time: number | undefined): string | null {
  return time === undefined ? null : new Date(time).toISOString();
}
