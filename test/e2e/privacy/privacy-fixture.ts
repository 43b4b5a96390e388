import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestApp } from '../tessera-app';

/**
 * Tom, the person to erase: records from three sources plus an anonymous cookie record merged into him later,
 * events, and a device he shared with Ann (who keeps it: two CRMIDs cannot share a graph). Ann also logged an event
 * that names Tom's e-mail, a pair an operator rejected as a link. Every value of Tom's is distinctive, so a byte search cannot match by accident.
 */
export const TOM = {
  crm: { namespace: 'CRMID', id: 'tom-4711-zqx' },
  email: { namespace: 'Email', id: 'tom.erased-zqx@example.com' },
  phone: { namespace: 'Phone', id: '+49-1555-0001-zqx' },
  cookie: { namespace: 'ECID', id: 'tom-cookie-zqx' },
};
export const ANN = { crm: { namespace: 'CRMID', id: 'ann-keeper-1' } };
export const DEVICE = { namespace: 'IDFA', id: 'shared-device-kept' };

/** Everything of Tom's that must vanish: identity values, attribute values, event data. */
export const ERASED_VALUES = [
  ...Object.values(TOM).map((i) => i.id),
  'Tomasz Erasedsson-zqx',
  'Erasedburg-zqx',
  'gold-tier-zqx',
  'web-nickname-zqx',
  'cookie-colour-zqx',
  '/secret-page-zqx',
];

let n = 0;
const at = () => new Date(Date.UTC(2026, 0, 1, 0, 0, ++n)).toISOString();

export async function ingestTomAndAnn(app: TestApp): Promise<string> {
  const items: unknown[] = [
    { kind: 'record', source: 'web', timestamp: at(), identities: [TOM.cookie], attributes: { colour: 'cookie-colour-zqx' } },
    { kind: 'record', source: 'crm', timestamp: at(), identities: [TOM.crm, TOM.email], attributes: { name: 'Tomasz Erasedsson-zqx', city: 'Erasedburg-zqx' } },
    { kind: 'record', source: 'loyalty', timestamp: at(), identities: [TOM.email, TOM.phone], attributes: { tier: 'gold-tier-zqx' } },
    { kind: 'record', source: 'web', timestamp: at(), identities: [TOM.email], attributes: { nickname: 'web-nickname-zqx' } },
    // The earlier merge: the anonymous cookie profile joins Tom's.
    { kind: 'event', id: 'tom-e1', source: 'web', type: 'pageView', timestamp: at(), identities: [TOM.cookie, TOM.email], data: { page: '/secret-page-zqx' } },
    { kind: 'event', id: 'tom-e2', source: 'web', type: 'purchase', timestamp: at(), identities: [TOM.crm], data: { sku: 'sku-1', page: '/secret-page-zqx' } },
    { kind: 'link', source: 'app', timestamp: at(), identities: [TOM.email, DEVICE] },
    { kind: 'record', source: 'crm', timestamp: at(), identities: [ANN.crm], attributes: { name: 'Ann Keeper' } },
    // Ann's device observation meets Tom's CRMID in one graph: the rules keep the device with Ann.
    { kind: 'event', id: 'ann-e1', source: 'app', type: 'appOpen', timestamp: at(), identities: [ANN.crm, DEVICE], data: { screen: 'home' } },
  ];
  // Ann's referral names Tom's e-mail; an operator had declared that pair no link, so it stays Ann's event only.
  const rejection = await app.post('/v1/identity/link-rejections', { from: ANN.crm, to: TOM.email, reason: 'referral, not the same person' });
  expect(rejection.status).toBe(201);
  items.push({ kind: 'event', id: 'ann-e2', source: 'web', type: 'referral', timestamp: at(), identities: [ANN.crm, TOM.email], data: { note: 'ann-visible-note' } });
  let position = '';
  for (const item of items) {
    const { kind, ...body } = item as { kind: string };
    const reply = await app.post(`/v1/${kind === 'record' ? 'records' : kind === 'event' ? 'events' : 'links'}`, body);
    expect(reply.status).toBe(202);
    position = reply.body.position;
  }
  return position;
}

export const path = (identity: { namespace: string; id: string }) => `/v1/profiles/${identity.namespace}/${encodeURIComponent(identity.id)}`;

/** Polls the request's status until it has finished (the condition, not a time, ends the wait). */
export async function finished(app: TestApp, requestId: string, key?: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (;;) {
    const reply = await app.call('GET', `/v1/privacy/requests/${requestId}`, { key });
    expect(reply.status).toBe(200);
    if (reply.body.status === 'completed' || reply.body.status === 'failed') return reply.body;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The values found anywhere in the bytes of every file under `dir` (UTF-8). */
export function valuesInFiles(dir: string, values: string[]): Array<{ file: string; value: string }> {
  const found: Array<{ file: string; value: string }> = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    const bytes = readFileSync(file);
    for (const value of values) if (bytes.includes(Buffer.from(value, 'utf8'))) found.push({ file: name, value });
  }
  return found;
}
