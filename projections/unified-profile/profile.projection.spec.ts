import { DEFAULT_SETTINGS, type IdentitySettings } from '../model';
import { applyRecordToFragment, type Fragment, type ProfileRecord } from './fragment.projection';
import { buildProfile, type EventStats, type ProfileIdentity } from './profile.projection';

const T0 = Date.UTC(2026, 2, 1, 12);
const at = (minutes: number): number => T0 + minutes * 60_000;
const isoAt = (minutes: number): string => new Date(at(minutes)).toISOString();

const NO_EVENTS: EventStats = { count: 0, firstAt: null, lastAt: null };

function fragmentOf(...records: ProfileRecord[]): Fragment {
  return records.reduce<Fragment | undefined>(applyRecordToFragment, undefined) as Fragment;
}

function crmRecord(recordId: string, minute: number, attributes: Record<string, unknown>): ProfileRecord {
  return { recordId, source: 'crm', primaryKey: 'CRMID:tom', timestamp: at(minute), logSeq: minute, attributes };
}

const identity = (namespace: string, id: string, firstSeen?: number, lastSeen?: number): ProfileIdentity => ({
  namespace,
  id,
  ...(firstSeen === undefined ? {} : { firstSeen: at(firstSeen) }),
  ...(lastSeen === undefined ? {} : { lastSeen: at(lastSeen) }),
});

describe('buildProfile', () => {
  it('given a graph with records and events, builds the whole profile document', () => {
    const fragment = fragmentOf(
      crmRecord('c1', 5, { name: 'Tom', tier: 'gold' }),
      crmRecord('c2', 8, { tier: 'platinum' }),
    );
    const profile = buildProfile({
      identities: [
        identity('ECID', '111', 1, 9),
        identity('CRMID', 'tom', 5, 8),
        identity('Email', 'tom@acme.com', 5, 8),
      ],
      fragments: [fragment],
      events: { count: 3, firstAt: at(2), lastAt: at(12) },
      settings: DEFAULT_SETTINGS,
    });
    expect(profile).toEqual({
      identities: [
        { namespace: 'CRMID', id: 'tom', type: 'person' },
        { namespace: 'Email', id: 'tom@acme.com', type: 'email' },
        { namespace: 'ECID', id: '111', type: 'cookie' },
      ],
      primaryIdentity: { namespace: 'CRMID', id: 'tom' },
      attributes: { name: 'Tom', tier: 'platinum' },
      provenance: {
        name: { source: 'crm', timestamp: isoAt(5), recordId: 'c1' },
        tier: { source: 'crm', timestamp: isoAt(8), recordId: 'c2' },
      },
      sources: ['crm'],
      createdAt: isoAt(1),
      updatedAt: isoAt(9),
      lastEventAt: isoAt(12),
      eventCount: 3,
    });
  });

  it('picks, between values of one namespace, the identity seen first, then the smaller key', () => {
    const identities = [identity('Email', 'b@x.io', 3), identity('Email', 'c@x.io', 1), identity('Email', 'a@x.io', 3)];
    const profile = buildProfile({ identities, fragments: [], events: NO_EVENTS, settings: DEFAULT_SETTINGS });
    expect(profile.primaryIdentity).toEqual({ namespace: 'Email', id: 'c@x.io' });
    expect(profile.identities.map((i) => i.id)).toEqual(['c@x.io', 'a@x.io', 'b@x.io']);
  });

  it('follows the settings’ priority order, and ranks a namespace they no longer hold last, without a type', () => {
    const settings: IdentitySettings = {
      graphCap: 50,
      namespaces: [
        { code: 'ECID', type: 'cookie', unique: false },
        { code: 'CRMID', type: 'person', unique: true },
      ],
    };
    const identities = [identity('Legacy', 'L1', 0), identity('CRMID', 'tom', 1), identity('ECID', '111', 2)];
    const profile = buildProfile({ identities, fragments: [], events: NO_EVENTS, settings });
    expect(profile.identities).toEqual([
      { namespace: 'ECID', id: '111', type: 'cookie' },
      { namespace: 'CRMID', id: 'tom', type: 'person' },
      { namespace: 'Legacy', id: 'L1', type: null },
    ]);
    expect(profile.primaryIdentity).toEqual({ namespace: 'ECID', id: '111' });
  });

  it('dates an events-only profile by its events, with no attributes', () => {
    const profile = buildProfile({
      identities: [identity('ECID', '111')],
      fragments: [],
      events: { count: 2, firstAt: at(3), lastAt: at(4) },
      settings: DEFAULT_SETTINGS,
    });
    expect(profile).toMatchObject({
      attributes: {},
      provenance: {},
      sources: [],
      createdAt: isoAt(3),
      updatedAt: isoAt(4),
      lastEventAt: isoAt(4),
      eventCount: 2,
    });
  });

  it('dates a records-only profile by its records: a late older record moves createdAt back', () => {
    const fragment = fragmentOf(crmRecord('c1', 10, { a: 1 }), crmRecord('c0', 2, { a: 0 }));
    const profile = buildProfile({
      identities: [identity('CRMID', 'tom')],
      fragments: [fragment],
      events: NO_EVENTS,
      settings: DEFAULT_SETTINGS,
    });
    expect(profile).toMatchObject({
      attributes: { a: 1 },
      createdAt: isoAt(2),
      updatedAt: isoAt(10),
      lastEventAt: null,
    });
  });

  it('merges with the policy it is given', () => {
    const crm = fragmentOf(crmRecord('c1', 1, { tier: 'gold' }));
    const web = applyRecordToFragment(undefined, {
      recordId: 'w1',
      source: 'web',
      primaryKey: 'ECID:111',
      timestamp: at(2),
      logSeq: 2,
      attributes: { tier: 'bronze' },
    });
    const input = {
      identities: [identity('CRMID', 'tom'), identity('ECID', '111')],
      fragments: [crm, web],
      events: NO_EVENTS,
      settings: DEFAULT_SETTINGS,
    };
    expect(buildProfile(input).attributes).toEqual({ tier: 'bronze' });
    expect(buildProfile({ ...input, policy: { type: 'sourcePrecedence', order: ['crm'] } })).toMatchObject({
      attributes: { tier: 'gold' },
      sources: ['crm'],
    });
  });
});
