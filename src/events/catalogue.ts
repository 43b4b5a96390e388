import type { AudienceDeleted, AudienceSaved } from '../../projections/audiences';
import type { IdentityRef, NamespaceSetting } from '../../projections/model';
import type { ComputedAttributeDefinition } from '../../projections/computed-attributes';

/**
 * Every event the log holds, with its schema version. Payloads are plain JSON. Times inside payloads are ISO-8601
 * UTC strings with milliseconds. An item's `itemId` is the client's idempotency key; the log's eventId is derived
 * from (kind, source, itemId) so a retry lands on the same eventId.
 *
 * Adding a version: bump CURRENT_VERSIONS, keep the old payload type, and add an upcaster in codec.ts.
 */
/** What every item (record, event, link) carries for the identity graph. */
export interface ItemIdentities {
  itemId: string;
  source: string;
  /** When the source observed the item: links it observes are stamped with this time. */
  timestamp: string;
  /** Normalised (trimmed, email lower-cased), blocked values already dropped. */
  identities: IdentityRef[];
  /**
   * Identities of this item left out of its links by the batch fan-out guard (an identity linked to more than the
   * configured number of others within one ingestion batch). They still count as the item's identities.
   */
  unlinked?: IdentityRef[];
}

export interface RecordIngestedV1 extends ItemIdentities {
  primary: IdentityRef;
  attributes: Record<string, unknown>;
}

export interface ExperienceEventIngestedV1 extends ItemIdentities {
  type: string;
  primary: IdentityRef;
  data: Record<string, unknown>;
}

export type LinkObservedV1 = ItemIdentities;

export interface IdentitySettingsChangedV1 {
  /** Priority order, first = highest. */
  namespaces: NamespaceSetting[];
  graphCap: number;
  /** Monotonic settings version, 1 for the first change on top of the defaults' version 0. */
  version: number;
}

export type AttributeMerge = { type: 'timestampOrdered' } | { type: 'sourcePrecedence'; order: string[] };

export interface MergePolicySavedV1 {
  policyId: string;
  attributeMerge: AttributeMerge;
  identityStitching: 'graph' | 'none';
  default: boolean;
}

export interface MergePolicyDeletedV1 {
  policyId: string;
}

/** A computed attribute's definition, created or changed: the whole definition with its new version. */
export type ComputedAttributeSavedV1 = ComputedAttributeDefinition;

export interface ComputedAttributeDeletedV1 {
  name: string;
}

export interface LinkRejectedV1 {
  rejectionId: string;
  from: IdentityRef;
  to: IdentityRef;
  reason: string;
}

export interface LinkRejectionWithdrawnV1 {
  rejectionId: string;
}

export type PrivacyRequestType = 'access' | 'erase';
export type PrivacyScope = 'graph' | 'identity';

/** A data subject's request, accepted. `identity` is personal: sealed with its subject's key like every item's. */
export interface PrivacyRequestAcceptedV1 {
  requestId: string;
  type: PrivacyRequestType;
  scope: PrivacyScope;
  identity: IdentityRef;
  suppress: boolean;
}

/** Counts of what a request found or removed; no personal data. */
export interface PrivacyCounts {
  identities: number;
  records: number;
  events: number;
  links: number;
}

/** An access request's export is not logged (it is personal data); only that it was produced. */
export interface PrivacyRequestCompletedV1 {
  requestId: string;
  counts: PrivacyCounts;
}

export interface PrivacyRequestFailedV1 {
  requestId: string;
  reason: string;
}

/** The audit trail of an erasure: that it happened, when and how much; nothing about whom. */
export interface SubjectErasedV1 {
  requestId: string;
  at: string;
  counts: PrivacyCounts;
  /**
   * Whether other people's graphs must be re-derived: false when no link (active or removed) joined the erased
   * identities to anyone else, so no decision of the identity fold about anybody else ever involved them.
   */
  rederive: boolean;
  /**
   * Where the re-derivation starts: for each identity the subject shared an item with, one item of the log that
   * still names it once the subject is gone (its stream and revision, which name no one erased). The projector
   * re-derives the co-occurrence closure of those items' identities, not every graph. Absent (an erasure logged
   * before these existed, or too many to list): every graph is re-derived.
   */
  seeds?: ItemRef[];
  /**
   * The public (pseudonymous) profile ids the erasure tells the change feed about: those of the erased identities
   * that had a profile or that some feed item named. The projector writes one `profile.erased` per id with this
   * event, at its position, so every feed reader meets them in log order and a rebuild writes the same ones.
   * Absent (an erasure logged before these existed): the notices were written at the purge, after the checkpoint.
   */
  erasedProfiles?: string[];
}

/** A log item by its place in its stream: what an event may point at without holding any of the item's values. */
export interface ItemRef {
  stream: string;
  revision: number;
}

/**
 * Never appended: what an item reads as once its owner's key is erased (or it is left with no identity), so a
 * reader sees that an entry was there and nothing of what it held.
 */
export interface ItemErasedV1 {
  erasedType: string;
}

/** An audience created or replaced (API.md "Audiences"); `version` counts its saves, 1 for the first. */
export type AudienceSavedV1 = AudienceSaved;
export type AudienceDeletedV1 = AudienceDeleted;

export interface EventPayloads {
  RecordIngested: RecordIngestedV1;
  ExperienceEventIngested: ExperienceEventIngestedV1;
  LinkObserved: LinkObservedV1;
  IdentitySettingsChanged: IdentitySettingsChangedV1;
  MergePolicySaved: MergePolicySavedV1;
  MergePolicyDeleted: MergePolicyDeletedV1;
  ComputedAttributeSaved: ComputedAttributeSavedV1;
  ComputedAttributeDeleted: ComputedAttributeDeletedV1;
  LinkRejected: LinkRejectedV1;
  LinkRejectionWithdrawn: LinkRejectionWithdrawnV1;
  PrivacyRequestAccepted: PrivacyRequestAcceptedV1;
  PrivacyRequestCompleted: PrivacyRequestCompletedV1;
  PrivacyRequestFailed: PrivacyRequestFailedV1;
  SubjectErased: SubjectErasedV1;
  ItemErased: ItemErasedV1;
  AudienceSaved: AudienceSavedV1;
  AudienceDeleted: AudienceDeletedV1;
}

export type EventType = keyof EventPayloads;

export const CURRENT_VERSIONS: { [K in EventType]: number } = {
  RecordIngested: 1,
  ExperienceEventIngested: 1,
  LinkObserved: 1,
  IdentitySettingsChanged: 1,
  MergePolicySaved: 1,
  MergePolicyDeleted: 1,
  ComputedAttributeSaved: 1,
  ComputedAttributeDeleted: 1,
  LinkRejected: 1,
  LinkRejectionWithdrawn: 1,
  PrivacyRequestAccepted: 1,
  PrivacyRequestCompleted: 1,
  PrivacyRequestFailed: 1,
  SubjectErased: 1,
  ItemErased: 1,
  AudienceSaved: 1,
  AudienceDeleted: 1,
};

export const EVENT_TYPES = Object.keys(CURRENT_VERSIONS) as EventType[];

/** A decoded event of one type, as projections and handlers see it. */
export type DomainEvent<K extends EventType = EventType> = K extends EventType
  ? { type: K; data: EventPayloads[K] }
  : never;

/** The three item kinds that carry identities and so feed the identity graph. */
export type ItemEventType = 'RecordIngested' | 'ExperienceEventIngested' | 'LinkObserved';
