import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, until, type TestApp } from './tessera-app';

/**
 * Two service instances on one DATA_DIR, each with its projector in-process: the projector lease lets one project
 * and keeps the other standing by. /v1/health and /metrics say which is which; the standby still serves reads
 * (it follows the checkpoint the active one commits), and it takes over once the active instance stops.
 */
let dataDir: string;
let first: TestApp;
let second: TestApp | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tessera-lease-health-'));
  first = await startTestApp({ DATA_DIR: dataDir, PROJECTOR_ID: 'api-1', PROJECTOR_LEASE_TTL_MS: '1000' });
});
afterAll(async () => {
  await second?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const leaseOf = async (app: TestApp) => {
  const health = await app.call('GET', '/v1/health');
  expect(health.status).toBe(200);
  return health.body.info.projector.lease;
};
const WAIT = 60_000;

it('health and metrics name the holder and each instance’s part, and the standby takes over', async () => {
  const active = await until(() => leaseOf(first), (l) => l.self === 'active', WAIT);
  expect(active).toMatchObject({ holder: 'api-1', self: 'active', holderId: 'api-1', expiresAt: null });

  second = await startTestApp({ DATA_DIR: dataDir, PROJECTOR_ID: 'api-2', PROJECTOR_LEASE_TTL_MS: '1000' });
  expect(await leaseOf(second)).toMatchObject({ holder: 'api-1', token: active.token, self: 'standby', holderId: 'api-2' });
  expect((await first.call('GET', '/metrics')).text).toContain('tessera_projector_lease_active 1');
  expect((await second.call('GET', '/metrics')).text).toContain('tessera_projector_lease_active 0');
  expect((await second.call('GET', '/metrics')).text).toContain(`tessera_projector_lease_token ${active.token}`);

  // Written through the standby, projected by the active instance, read back through the standby.
  const position = await second.ingest('/v1/records', { source: 'crm', identities: [{ namespace: 'CRMID', id: 'lease-1' }], attributes: { tier: 'gold' } });
  const read = await second.call('GET', `/v1/profiles/lookup?namespace=CRMID&id=lease-1&minPosition=${position}`);
  expect([read.status, read.body?.attributes?.tier]).toEqual([200, 'gold']);

  await first.close();
  const taken = await until(() => leaseOf(second!), (l) => l.self === 'active', WAIT);
  expect(taken).toMatchObject({ holder: 'api-2', self: 'active' });
  expect(taken.token).toBeGreaterThan(active.token);
  const later = await second.ingest('/v1/records', { source: 'crm', identities: [{ namespace: 'CRMID', id: 'lease-2' }], attributes: { tier: 'blue' } });
  const again = await second.call('GET', `/v1/profiles/lookup?namespace=CRMID&id=lease-2&minPosition=${later}`);
  expect([again.status, again.body?.attributes?.tier]).toEqual([200, 'blue']);
}, 120_000);
