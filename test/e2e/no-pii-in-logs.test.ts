import pino from 'pino';
import { Writable } from 'node:stream';
import { startTestApp, TestApp } from './tessera-app';

/** Logs at the most verbose level while identities go through every ingestion path: no value may reach the log. */
const SECRET_EMAIL = 'Secret.Person@Example.COM';
const SECRET_CRMID = 'crm-secret-7781';

let app: TestApp;
const lines: string[] = [];
beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  app = await startTestApp({}, { logger: pino({ level: 'trace' }, sink) });
});
afterAll(() => app.close());

it('never logs identity values, attribute values or API keys, on success or failure', async () => {
  const identities = [{ namespace: 'Email', id: SECRET_EMAIL }, { namespace: 'CRMID', id: SECRET_CRMID }];
  await app.post('/v1/records', { source: 'crm', identities, attributes: { ssn: 'secret-ssn-123' } });
  await app.post('/v1/events', { id: 'e', source: 'web', type: 't', timestamp: '2024-01-01T00:00:00Z', identities });
  await app.post('/v1/events', { id: 'e2', source: 'web', type: 't', timestamp: 'not-a-time', identities });
  await app.post('/v1/links', { source: 'crm', identities: [...identities, { namespace: 'Nope', id: SECRET_CRMID }] });
  await app.post('/v1/ingest', [{ kind: 'record', source: 'crm', identities, attributes: { $bad: 'secret-ssn-123' } }]);
  await app.call('GET', `/v1/profiles/Email/${encodeURIComponent(SECRET_EMAIL)}`, { key: 'secret-api-key' });
  const log = lines.join('').toLowerCase();
  expect(lines.length).toBeGreaterThan(0);
  for (const secret of [SECRET_EMAIL, SECRET_CRMID, 'secret-ssn-123', 'secret-api-key']) {
    expect(log).not.toContain(secret.toLowerCase());
  }
  expect(log).toContain('"route":"/v1/records"');
});
