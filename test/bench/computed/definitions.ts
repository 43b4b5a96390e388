import type { ComputedAttributeSpec } from '../../../projections/computed-attributes';

/** Twenty definitions over the bench workload's events (gen/payloads.ts): every function, windows and wheres. */
export const TWENTY: Record<string, ComputedAttributeSpec> = {
  purchases30d: { function: 'count', eventType: 'purchase', window: { last: '30d' } },
  purchasesAll: { function: 'count', eventType: 'purchase' },
  views7d: { function: 'count', eventType: ['pageView', 'screenView'], window: { last: '7d' } },
  carts1d: { function: 'count', eventType: 'addToCart', window: { last: '1d' } },
  spend: { function: 'sum', field: 'commerce.order.total', eventType: 'purchase' },
  spend30d: { function: 'sum', field: 'commerce.order.total', window: { last: '30d' } },
  avgOrder: { function: 'avg', field: 'commerce.order.total' },
  minOrder: { function: 'min', field: 'commerce.order.total' },
  maxOrder90d: { function: 'max', field: 'commerce.order.total', window: { last: '90d' } },
  firstUrl: { function: 'first', field: 'page.url' },
  lastUrl: { function: 'last', field: 'page.url' },
  lastPayment: { function: 'last', field: 'commerce.order.payment' },
  languages: { function: 'distinctCount', field: 'page.language' },
  sessions30d: { function: 'distinctCount', field: 'session.id', window: { last: '30d' } },
  topLanguage: { function: 'mostFrequent', field: 'page.language' },
  topViewport: { function: 'mostFrequent', field: 'device.viewport', window: { last: '30d' } },
  recentLanguages: { function: 'list', field: 'page.language' },
  recentSearches: { function: 'list', field: 'search.term', eventType: 'search', window: { last: '7d' } },
  bigSearches: { function: 'count', eventType: 'search', where: { field: 'search.results', op: 'gt', value: 100 } },
  paidByCard: { function: 'count', eventType: 'purchase', where: { field: 'commerce.order.payment', op: 'eq', value: 'card' } },
};
