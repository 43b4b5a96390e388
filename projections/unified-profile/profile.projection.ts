import { identityKey, type IdentityRef, type IdentitySettings, type NamespaceType } from '../model';
import { mergeFragments, type LeafProvenance } from './attribute-merge.projection';
import { byCodeUnit } from './attribute-path';
import type { Fragment } from './fragment.projection';
import { DEFAULT_ATTRIBUTE_MERGE, type AttributeMerge } from './merge-policy';

/** A graph identity as the caller knows it; the identity graph's IdentityNode fits (times are epoch ms). */
export interface ProfileIdentity extends IdentityRef {
  firstSeen?: number;
  lastSeen?: number;
}

/** What the event index knows about the graph's events; times are the events' own timestamps, epoch ms. */
export interface EventStats {
  count: number;
  firstAt: number | null;
  lastAt: number | null;
}

export interface ProfileInput {
  identities: readonly ProfileIdentity[];
  fragments: readonly Fragment[];
  events: EventStats;
  settings: IdentitySettings;
  policy?: AttributeMerge;
}

export interface ProfileIdentityView extends IdentityRef {
  /** null for a namespace the current settings no longer hold. */
  type: NamespaceType | null;
}

/**
 * The unified profile of one graph (API.md "Profiles"), less profileId and position, which the caller adds. A type
 * rather than an interface, so a stored profile is still a plain JSON record to code that takes any document.
 */
export type UnifiedProfile = {
  /** Ordered as primaryIdentity is chosen: priority, then first seen, then key. */
  identities: ProfileIdentityView[];
  primaryIdentity: IdentityRef | null;
  attributes: Record<string, unknown>;
  provenance: Record<string, LeafProvenance>;
  sources: string[];
  /** The earliest time anything of this person was observed: a record, an event or an identity (first seen). */
  createdAt: string | null;
  /** The latest time its attributes or identities were observed: a record or an identity (last seen). */
  updatedAt: string | null;
  lastEventAt: string | null;
  eventCount: number;
};

/**
 * Builds the profile of one graph from its identities, the fragments of those identities and their event stats.
 * Times are the items' own timestamps (not log time), output as ISO-8601 UTC with ms. When no record or identity
 * time is known, updatedAt falls back to the last event.
 */
export function buildProfile(input: ProfileInput): UnifiedProfile {
  const { fragments, events } = input;
  const identities = rankIdentities(input.identities, input.settings);
  const merged = mergeFragments(fragments, input.policy ?? DEFAULT_ATTRIBUTE_MERGE);
  const firstSeen = input.identities.map((identity) => identity.firstSeen);
  const lastSeen = input.identities.map((identity) => identity.lastSeen);
  const recordFirst = fragments.map((fragment) => fragment.firstRecordAt);
  const recordLast = fragments.map((fragment) => fragment.lastRecordAt);
  const updated = latest([...recordLast, ...lastSeen]) ?? events.lastAt;
  return {
    identities: identities.map(({ namespace, id, type }) => ({ namespace, id, type })),
    primaryIdentity: identities.length === 0 ? null : { namespace: identities[0].namespace, id: identities[0].id },
    ...merged,
    createdAt: iso(earliest([...recordFirst, ...firstSeen, events.firstAt])),
    updatedAt: iso(updated),
    lastEventAt: iso(events.lastAt),
    eventCount: events.count,
  };
}

interface RankedIdentity extends ProfileIdentityView {
  rank: number;
  firstSeen: number;
  key: string;
}

/**
 * Highest priority first (rank 1 = first namespace in the settings; unregistered namespaces last); ties between
 * values of one namespace go to the identity seen first (the longest-standing), then the smaller identity key.
 */
function rankIdentities(identities: readonly ProfileIdentity[], settings: IdentitySettings): RankedIdentity[] {
  const byCode = new Map(settings.namespaces.map((setting, i) => [setting.code, { rank: i, type: setting.type }]));
  return identities
    .map((identity) => {
      const setting = byCode.get(identity.namespace);
      return {
        namespace: identity.namespace,
        id: identity.id,
        type: setting?.type ?? null,
        rank: setting?.rank ?? Number.MAX_SAFE_INTEGER,
        firstSeen: identity.firstSeen ?? Number.MAX_SAFE_INTEGER,
        key: identityKey(identity),
      };
    })
    .sort((a, b) => a.rank - b.rank || a.firstSeen - b.firstSeen || byCodeUnit(a.key, b.key));
}

function earliest(times: readonly (number | null | undefined)[]): number | null {
  const known = times.filter((time): time is number => typeof time === 'number');
  return known.length === 0 ? null : Math.min(...known);
}

function latest(times: readonly (number | null | undefined)[]): number | null {
  const known = times.filter((time): time is number => typeof time === 'number');
  return known.length === 0 ? null : Math.max(...known);
}

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}
