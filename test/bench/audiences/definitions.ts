import type { Condition } from '../../../projections/conditions';

/**
 * Fifty audiences over the bench workload (gen/workload.ts records, gen/payloads.ts events): 18 on attributes and
 * identities only, 18 with event windows and counts (some with a data `where`), 14 naming other audiences. Listed so
 * that an audience comes after every audience it names (the order they are saved in).
 */
const CITIES = ['Zürich', 'Basel', 'Bern', 'Genève', 'Lausanne', 'Luzern', 'Lugano', 'St. Gallen'];
const city = (c: string): Condition => ({ attribute: 'address.city', op: 'eq', value: c });
const ev = (type: string | string[], last: string, count?: { op: 'gte' | 'eq' | 'lt'; value: number }, where?: unknown): Condition =>
  ({ event: { type, ...(where ? { where } : {}) }, window: { last }, ...(count ? { count } : {}) }) as Condition;
const member = (audience: string): Condition => ({ audience, op: 'member' });

export const FIFTY: Array<[string, Condition]> = [
  ...CITIES.map((c, i): [string, Condition] => [`city${i}`, city(c)]),
  ['gold', { attribute: 'tier', op: 'in', value: ['gold', 'platinum'] }],
  ['bronze', { attribute: 'tier', op: 'eq', value: 'bronze' }],
  ['points10k', { attribute: 'points', op: 'gte', value: 10_000 }],
  ['emailOptIn', { attribute: 'consents.email', op: 'eq', value: true }],
  ['smsOptIn', { attribute: 'consents.sms', op: 'eq', value: true }],
  ['newsletter', { attribute: 'newsletter', op: 'eq', value: true }],
  ['french', { attribute: 'preferredLanguage', op: 'in', value: ['fr'] }],
  ['known', { and: [{ identity: 'CRMID', op: 'exists' }, { identity: 'Email', op: 'exists' }] }],
  ['anonymous', { and: [{ identity: 'ECID', op: 'exists' }, { identity: 'Email', op: 'notExists' }] }],
  ['appUser', { or: [{ identity: 'IDFA', op: 'exists' }, { identity: 'GAID', op: 'exists' }] }],
  ['buyer30d', ev('purchase', '30d')],
  ['buyer7d', ev('purchase', '7d')],
  ['frequent90d', ev('purchase', '90d', { op: 'gte', value: 3 })],
  ['bigOrder30d', ev('purchase', '30d', undefined, { field: 'commerce.order.total', op: 'gte', value: 100 })],
  ['cardBuyer365d', ev('purchase', '365d', undefined, { field: 'commerce.order.payment', op: 'eq', value: 'card' })],
  ['browser7d', ev(['pageView', 'screenView'], '7d', { op: 'gte', value: 5 })],
  ['viewer1d', ev('productView', '1d')],
  ['cart1d', ev('addToCart', '1d')],
  ['noPurchase1d', ev('purchase', '1d', { op: 'eq', value: 0 })],
  ['searcher7d', ev('search', '7d', undefined, { field: 'search.results', op: 'gt', value: 100 })],
  ['login30d', ev('login', '30d')],
  ['push7d', ev('pushOpened', '7d')],
  ['lapsed', ev(['pageView', 'screenView', 'productView'], '30d', { op: 'eq', value: 0 })],
  ['heavyViewer', ev('pageView', '30d', { op: 'gte', value: 20 })],
  ['paypal90d', ev('purchase', '90d', undefined, { field: 'commerce.order.payment', op: 'eq', value: 'paypal' })],
  ['fewViews7d', ev('pageView', '7d', { op: 'lt', value: 3 })],
  ['searchAny', ev('search', '3650d')],
  ['recentActive', ev(['pageView', 'screenView', 'search', 'addToCart', 'purchase'], '1h')],
  ['cartAbandoner', { and: [member('cart1d'), member('noPurchase1d')] }],
  ['goldBuyer', { and: [member('gold'), member('buyer30d')] }],
  ['basel', { and: [member('city1'), member('known')] }],
  ['baselBuyer', { and: [member('basel'), member('buyer30d')] }],
  ['winBack', { and: [member('known'), { not: member('buyer30d') }, member('emailOptIn')] }],
  ['vip', { or: [member('goldBuyer'), member('frequent90d'), member('points10k')] }],
  ['vipReachable', { and: [member('vip'), { or: [member('emailOptIn'), member('smsOptIn')] }] }],
  ['romandie', { or: [member('city3'), member('city4')] }],
  ['romandieBuyer', { and: [member('romandie'), member('buyer7d')] }],
  ['engagedAnon', { and: [member('anonymous'), member('browser7d')] }],
  ['appBuyer', { and: [member('appUser'), member('buyer30d')] }],
  ['churnRisk', { and: [member('vip'), member('lapsed')] }],
  ['frenchNewsletter', { and: [member('french'), member('newsletter'), { not: member('bronze') }] }],
  ['searchNoBuy', { and: [member('searcher7d'), { not: member('buyer7d') }] }],
];
