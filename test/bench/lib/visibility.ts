import type { HttpClient } from './http-load';

/**
 * Waits until the read models cover `position`, through the API (GET profile with minPosition, which the service
 * holds up to 5 s and then answers 503). Bounded: gives up after `maxSeconds`.
 */
export async function waitVisible(client: HttpClient, identity: { namespace: string; id: string }, position: string, maxSeconds = 900): Promise<void> {
  const deadline = Date.now() + maxSeconds * 1000;
  const path = `/v1/profiles/${identity.namespace}/${encodeURIComponent(identity.id)}?minPosition=${position}`;
  while (Date.now() < deadline) {
    const reply = await client.send('GET', path);
    if (reply.status === 200) return;
    if (reply.status !== 503) throw new Error(`waiting for position ${position}: GET answered ${reply.status} ${reply.body.slice(0, 200)}`);
  }
  throw new Error(`the read models did not reach position ${position} within ${maxSeconds} s`);
}

let settles = 0;

/** Appends one marker link and waits until the read models show it: everything appended before is projected too. */
export async function settle(client: HttpClient, maxSeconds = 900): Promise<void> {
  const n = ++settles;
  const identities = [{ namespace: 'ECID', id: `settle-${process.pid}-${n}` }, { namespace: 'Email', id: `settle-${n}@bench.example` }];
  const reply = await client.post('/v1/links', { id: `settle-${process.pid}-${n}`, source: 'bench-settle', identities });
  if (reply.status !== 202) throw new Error(`POST /v1/links answered ${reply.status}`);
  await waitVisible(client, identities[0], (JSON.parse(reply.body) as { position: string }).position, maxSeconds);
}
