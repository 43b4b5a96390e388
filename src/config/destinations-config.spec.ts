import { parseConfig } from './config';

describe('destinations config', () => {
  it('defaults: delivering on a worker thread, 10 s timeout, first retry within 5 s, 10 min cap, 24 h horizon', () => {
    expect(parseConfig({}).destinations).toEqual({
      delivery: 'worker', timeoutMs: 10_000, retryBaseMs: 5_000, retryMaxMs: 600_000, horizonMs: 86_400_000, pollMs: 10, heartbeatMs: 15_000,
    });
  });

  it('reads every variable and names bad values', () => {
    const env = { DESTINATION_DELIVERY: 'off', DESTINATION_TIMEOUT_MS: '2000', DESTINATION_RETRY_HORIZON_MS: '60000' };
    expect(parseConfig(env).destinations).toMatchObject({ delivery: 'off', timeoutMs: 2000, horizonMs: 60_000 });
    expect(parseConfig({ DESTINATION_DELIVERY: 'on' }).destinations.delivery).toBe('worker');
    expect(parseConfig({ DESTINATION_DELIVERY: 'inline' }).destinations.delivery).toBe('inline');
    expect(() => parseConfig({ DESTINATION_DELIVERY: 'maybe' })).toThrow(/DESTINATION_DELIVERY/);
    expect(() => parseConfig({ DESTINATION_TIMEOUT_MS: '5' })).toThrow(/DESTINATION_TIMEOUT_MS/);
  });
});
