import type { Page, Route } from 'playwright-core';

/**
 * A canned API that follows API.md, for the viewer's own browser test: it pins the page's behaviour (paging,
 * filters, asOf, merge policy, replay, simulator) without depending on the rest of the service. The full-stack
 * test (viewer.test.ts) runs the same page against the real service.
 */
export const STUB_T0 = '2026-03-01T10:00:00.000Z';
/** The moment between the two halves of the stub's history: asOf before it shows the smaller graph. */
export const STUB_SPLIT = '2026-03-01T12:00:00.000Z';

const person = { namespace: 'CRMID', id: 'tom-001' };
const identities = [
  { ...person, type: 'person', firstSeen: STUB_T0, lastSeen: STUB_T0 },
  { namespace: 'Email', id: 'tom@acme.com', type: 'email', firstSeen: STUB_T0, lastSeen: STUB_T0 },
  { namespace: 'ECID', id: 'c-1', type: 'cookie', firstSeen: STUB_T0, lastSeen: STUB_T0 },
  { namespace: 'Phone', id: '+44 20 7946 0000', type: 'phone', firstSeen: STUB_SPLIT, lastSeen: STUB_SPLIT },
  { namespace: 'IDFA', id: 'A-A-A', type: 'device', firstSeen: STUB_SPLIT, lastSeen: STUB_SPLIT },
];
const link = (a: number, b: number, at: string) => ({
  from: { namespace: identities[a].namespace, id: identities[a].id },
  to: { namespace: identities[b].namespace, id: identities[b].id },
  firstSeen: at, lastSeen: at, sources: ['crm'],
});
const links = [link(0, 1, STUB_T0), link(0, 2, STUB_T0), link(0, 3, STUB_SPLIT), link(3, 4, STUB_SPLIT)];
const removedLinks = [{
  from: { namespace: 'ECID', id: 'kiosk' }, to: person, removedAt: STUB_SPLIT, reason: 'UNIQUE_NAMESPACE_CONFLICT CRMID',
}];

const events = Array.from({ length: 60 }, (_, n) => ({
  id: `e-${n}`,
  type: n % 3 === 0 ? 'purchase' : 'pageView',
  timestamp: new Date(Date.parse(STUB_T0) + n * 60_000).toISOString(),
  source: 'web',
  identities: [{ namespace: 'ECID', id: 'c-1' }],
  primaryIdentity: { namespace: 'ECID', id: 'c-1' },
  data: { url: `/products/${n}` },
}));

function profile(url: URL) {
  const before = isBeforeSplit(url);
  const crmFirst = url.searchParams.get('mergePolicy') === 'crm-first';
  const at = before ? STUB_T0 : STUB_SPLIT;
  return {
    profileId: 'p-1', primaryIdentity: person, identities: identities.slice(0, before ? 3 : 5),
    attributes: { name: { first: 'Tom' }, tier: before ? 'silver' : crmFirst ? 'bronze' : 'gold' },
    provenance: {
      'name.first': { source: 'crm', timestamp: STUB_T0, recordId: 'r-1' },
      tier: { source: crmFirst ? 'crm' : 'loyalty', timestamp: at, recordId: 'r-2' },
    },
    sources: ['crm', 'loyalty'], createdAt: STUB_T0, updatedAt: at, lastEventAt: events[59].timestamp,
    eventCount: before ? 0 : events.length, position: '42',
  };
}

function isBeforeSplit(url: URL): boolean {
  const asOf = url.searchParams.get('asOf');
  return asOf !== null && Date.parse(asOf) <= Date.parse(STUB_SPLIT);
}

function eventPage(url: URL) {
  if (isBeforeSplit(url)) return { items: [], nextCursor: null };
  const type = url.searchParams.get('type');
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const offset = Number(url.searchParams.get('cursor') ?? 0);
  const matching = events.filter((e) => !type || e.type === type).reverse();
  const items = matching.slice(offset, offset + limit);
  return { items, nextCursor: offset + limit < matching.length ? String(offset + limit) : null };
}

function graph(url: URL) {
  if (isBeforeSplit(url)) return { identities: identities.slice(0, 3), links: links.slice(0, 2), removedLinks: [] };
  return { identities, links, removedLinks };
}

const noChanges = { attributes: [], linksAdded: [], linksRemoved: [], linksRestored: [], identitiesJoined: [], identitiesLeft: [] };
const history = {
  items: [
    { kind: 'record', recordedAt: STUB_T0, item: { id: 'r-1', source: 'crm', timestamp: STUB_T0, identities: [person] },
      changes: { ...noChanges, attributes: [{ path: 'name.first', before: null, after: 'Tom' }], linksAdded: links.slice(0, 2) } },
    { kind: 'link', recordedAt: STUB_SPLIT, item: { id: 'l-1', source: 'web', timestamp: STUB_SPLIT, identities: [] },
      changes: { ...noChanges, linksAdded: [links[2]], identitiesJoined: [links[2].to] } },
    { kind: 'link', recordedAt: STUB_SPLIT, item: { id: 'l-2', source: 'kiosk', timestamp: STUB_SPLIT, identities: [] },
      changes: { ...noChanges, linksRemoved: removedLinks } },
  ],
  nextCursor: null,
};

function simulate(body: { events: string[] }) {
  const key = (text: string) => ({ namespace: text.split(':')[0], id: text.split(':')[1] });
  return {
    graphs: [{ identities: ['CRMID:John', 'Email:john@x.com', 'ECID:L'].map(key), links: [] }, {
      identities: ['CRMID:Jane', 'Email:jane@x.com'].map(key), links: [],
    }],
    removedLinks: [{ from: key('CRMID:Jane'), to: key('ECID:L'), timestamp: '1970-01-01T00:00:00.003Z', removedBy: 3 }],
    rejected: body.events.length > 4 ? [{ index: 4, reason: 'two CRMID values' }] : [],
  };
}

const settings = {
  version: 1,
  namespaces: [
    { code: 'CRMID', type: 'person', unique: true },
    { code: 'Email', type: 'email', unique: false },
    { code: 'Phone', type: 'phone', unique: false },
    { code: 'IDFA', type: 'device', unique: false },
    { code: 'ECID', type: 'cookie', unique: false },
  ],
};

const policies = {
  items: [
    { id: 'default', default: true, attributeMerge: { type: 'timestampOrdered' }, identityStitching: 'graph' },
    { id: 'crm-first', attributeMerge: { type: 'sourcePrecedence', order: ['crm', 'loyalty'] }, identityStitching: 'graph' },
  ],
};

const PROFILE_PATH = /^\/v1\/profiles\/([^/]+)\/([^/]+)(\/.*)?$/;

function profileAnswer(url: URL): unknown {
  const match = PROFILE_PATH.exec(url.pathname);
  if (!match) return undefined;
  const [namespace, id] = [decodeURIComponent(match[1]), decodeURIComponent(match[2])];
  if (!identities.some((identity) => identity.namespace === namespace && identity.id === id)) return undefined;
  switch (match[3] ?? '') {
    case '': return profile(url);
    case '/events': return eventPage(url);
    case '/graph': return graph(url);
    case '/history': return isBeforeSplit(url) ? { items: history.items.slice(0, 1) } : history;
    case '/graph/explain': return { links: [links[2], links[3]] };
    default: return undefined;
  }
}

function answer(url: URL, request: { method(): string; postDataJSON(): unknown }): unknown {
  switch (url.pathname) {
    case '/v1/identity/settings': return settings;
    case '/v1/merge-policies': return policies;
    case '/v1/identity/simulate': return simulate(request.postDataJSON() as { events: string[] });
    case '/v1/profiles': return { items: [{ profileId: 'p-1', primaryIdentity: person, identities }], nextCursor: null };
    default: return profileAnswer(url);
  }
}

/** Serves the canned API on `page`; every request is recorded so a test can assert what the page asked for. */
export async function installApiStub(page: Page): Promise<URL[]> {
  const seen: URL[] = [];
  await page.route('**/v1/**', async (route: Route) => {
    const url = new URL(route.request().url());
    seen.push(url);
    const body = answer(url, route.request());
    if (body === undefined) {
      await route.fulfill({ status: 404, json: { error: { code: 'NOT_FOUND', message: 'Nothing is known', details: [] } } });
    } else {
      await route.fulfill({ status: 200, json: body });
    }
  });
  return seen;
}
