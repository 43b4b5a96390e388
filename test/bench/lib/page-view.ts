/**
 * The synthetic page view the small ingest scripts send (number n of a run): 5,000 cookies, 2,000 e-mails, so
 * graphs form and merge while the scripts run. POST /v1/events takes it as is; a batch item adds `kind: 'event'`.
 */
export function pageView(n: number) {
  return {
    id: `bench-${n}`,
    source: 'web',
    type: 'pageView',
    timestamp: '2024-05-01T12:00:00Z',
    identities: [{ namespace: 'ECID', id: `c-${n % 5000}` }, { namespace: 'Email', id: `user${n % 2000}@acme.com` }],
    data: { url: `/products/${n % 100}`, referrer: 'https://example.com/', n },
  };
}
