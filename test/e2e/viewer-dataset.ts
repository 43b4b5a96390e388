import { DEFAULT_NAMESPACES } from '../../projections/model';

/**
 * A realistic customer, ingested through the public API in two phases so the viewer's as-of picker has a
 * "before" and an "after":
 *  - phase 1: the CRM knows Tom (tier silver) with email and phone, Tom once used kiosk cookie ECID:kiosk-7,
 *    and ten call-centre events;
 *  - phase 2: the loyalty programme knows Tom by email (tier gold, newer), two web cookies and a phone IDFA log
 *    in, 56 web events, and Ann logs in on the same kiosk: CRMID is unique, so the Tom—kiosk link is removed.
 */
export const TOM_EMAIL = 'tom.hanks@acme.com';
export const TOM = { namespace: 'CRMID', id: 'tom-001' };

/** The defaults of a fresh store, put explicitly, so the dataset does not depend on what the store starts with. */
export const SETTINGS = { namespaces: DEFAULT_NAMESPACES.map((n) => ({ ...n })) };

export const CRM_FIRST_POLICY = {
  attributeMerge: { type: 'sourcePrecedence', order: ['crm', 'loyalty'] },
  identityStitching: 'graph',
};

const DAY = 86_400_000;
const id = (namespace: string, value: string, primary?: boolean) => ({ namespace, id: value, ...(primary ? { primary } : {}) });

export function phaseOne(now: number): unknown[] {
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
  const calls = Array.from({ length: 10 }, (_, n) => ({
    kind: 'event', id: `call-${n}`, source: 'crm', type: 'call', timestamp: at(20 - n),
    identities: [TOM], data: { agent: `agent-${n % 3}`, minutes: 3 + n },
  }));
  return [
    { kind: 'record', id: 'crm-tom', source: 'crm', timestamp: at(30),
      identities: [id('CRMID', 'tom-001', true), id('Email', ' Tom.Hanks@Acme.com '), id('Phone', '+44 20 7946 0958')],
      attributes: { name: { first: 'Tom', last: 'Hanks' }, tier: 'silver', address: { city: 'London' } } },
    { kind: 'record', id: 'crm-ann', source: 'crm', timestamp: at(30),
      identities: [id('CRMID', 'ann-002', true), id('Email', 'ann@acme.com')], attributes: { name: { first: 'Ann' } } },
    { kind: 'link', source: 'web', timestamp: at(12), identities: [TOM, id('ECID', 'kiosk-7')] },
    ...calls,
  ];
}

export function phaseTwo(now: number): unknown[] {
  const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
  const pages = ['/', '/shoes', '/shoes/trail-runner', '/basket', '/checkout'];
  const web = Array.from({ length: 56 }, (_, n) => ({
    kind: 'event', id: `web-${n}`, source: 'web', type: n % 7 === 6 ? 'purchase' : 'pageView',
    timestamp: at(100 - n), identities: [id('ECID', n % 2 ? 'c-tom-laptop' : 'c-tom-phone')],
    data: n % 7 === 6 ? { orderId: `o-${n}`, total: 59.9 + n } : { url: pages[n % pages.length] },
  }));
  return [
    { kind: 'record', id: 'loyalty-tom', source: 'loyalty', timestamp: at(120),
      identities: [id('Email', TOM_EMAIL)], attributes: { tier: 'gold', points: 1200 } },
    { kind: 'link', source: 'web', timestamp: at(110), identities: [id('Email', TOM_EMAIL), id('ECID', 'c-tom-laptop')] },
    { kind: 'link', source: 'app', timestamp: at(105),
      identities: [TOM, id('ECID', 'c-tom-phone'), id('IDFA', 'A1B2-C3D4')] },
    ...web,
    { kind: 'link', source: 'web', timestamp: at(2), identities: [id('CRMID', 'ann-002'), id('ECID', 'kiosk-7')] },
  ];
}

/** Tom's graph after both phases: the kiosk cookie went to Ann. */
export const TOM_GRAPH_NOW = [
  'CRMID:tom-001', `Email:${TOM_EMAIL}`, 'Phone:+44 20 7946 0958', 'ECID:c-tom-laptop', 'ECID:c-tom-phone', 'IDFA:A1B2-C3D4',
];
export const TOM_GRAPH_PHASE_ONE = ['CRMID:tom-001', `Email:${TOM_EMAIL}`, 'Phone:+44 20 7946 0958', 'ECID:kiosk-7'];
