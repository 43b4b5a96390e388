import { DEFAULT_SETTINGS, identityKey, linkKey, type IdentityRef, type IdentitySettings } from '../../projections/model';
import type { DecodedEvent } from '../events';
import { SETTINGS_STREAM } from '../identity';

/** Where rule events live: the settings stream and the operators' link rejections. */
export const LINK_REJECTIONS_STREAM = 'tessera-link-rejections';
export const RULE_STREAMS = [SETTINGS_STREAM, LINK_REJECTIONS_STREAM];

/**
 * The rules the identity graph is folded under: the identity settings and the operators' link rejections, as of a
 * point in the log. Both are events, so a replay reproduces every past decision. A change of rules re-derives the
 * graph of every item logged so far under the new rules (retroactive: old collapsed graphs are fixed too).
 */
export interface ActiveRejection {
  rejectionId: string;
  /** Log event id of the rejection: the "item" that removed the link. */
  eventId: string;
  from: IdentityRef;
  to: IdentityRef;
  pair: string;
  reason: string;
  /** Log time of the rejection, epoch ms. */
  at: number;
}

export interface ProjectionRules {
  settings: IdentitySettings;
  rejections: Map<string, ActiveRejection>;
}

/**
 * SubjectErased changes no rule, but the log now reads without the erased subject (their keys are gone): when they
 * were linked to anyone else, every graph is re-derived so those people come out as a replay would make them.
 */
export const RULE_EVENT_TYPES = ['IdentitySettingsChanged', 'LinkRejected', 'LinkRejectionWithdrawn', 'SubjectErased'] as const;

export function initialRules(): ProjectionRules {
  return { settings: cloneSettings(DEFAULT_SETTINGS), rejections: new Map() };
}

export function isRuleEvent(decoded: DecodedEvent): boolean {
  if (decoded.event.type === 'SubjectErased') return decoded.event.data.rederive !== false;
  return (RULE_EVENT_TYPES as readonly string[]).includes(decoded.event.type);
}

/** Pure: the rules after one rule event (other events leave them as they are). */
export function evolveRules(rules: ProjectionRules, decoded: DecodedEvent): ProjectionRules {
  const { event } = decoded;
  switch (event.type) {
    case 'IdentitySettingsChanged':
      return { ...rules, settings: cloneSettings(event.data) };
    case 'LinkRejected': {
      const rejections = new Map(rules.rejections);
      const { rejectionId, from, to, reason } = event.data;
      const pair = linkKey(identityKey(from), identityKey(to));
      const at = decoded.recordedAt.getTime();
      rejections.set(rejectionId, { rejectionId, eventId: decoded.eventId, from, to, pair, reason, at });
      return { ...rules, rejections };
    }
    case 'LinkRejectionWithdrawn': {
      const rejections = new Map(rules.rejections);
      rejections.delete(event.data.rejectionId);
      return { ...rules, rejections };
    }
    default:
      return rules;
  }
}

/** The rejected pairs as the identity-graph fold takes them. */
export function rejectedPairs(rules: ProjectionRules): Set<string> {
  return new Set([...rules.rejections.values()].map((r) => r.pair));
}

function cloneSettings(settings: IdentitySettings): IdentitySettings {
  return { namespaces: settings.namespaces.map((n) => ({ ...n })), graphCap: settings.graphCap };
}
