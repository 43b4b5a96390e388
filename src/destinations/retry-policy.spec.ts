import { DEFAULT_RETRY, pastHorizon, retryDelay } from './retry-policy';

describe('retry policy', () => {
  it('the first retry comes within 5 s, each step doubles, the cap is 10 minutes', () => {
    expect(retryDelay(DEFAULT_RETRY, 1, 0)).toBe(2_500);
    expect(retryDelay(DEFAULT_RETRY, 1, 0.999999)).toBeLessThanOrEqual(5_000);
    expect(retryDelay(DEFAULT_RETRY, 2, 0.999999)).toBeLessThanOrEqual(10_000);
    expect(retryDelay(DEFAULT_RETRY, 2, 0)).toBe(5_000);
    expect(retryDelay(DEFAULT_RETRY, 30, 0.999999)).toBeLessThanOrEqual(600_000);
    expect(retryDelay(DEFAULT_RETRY, 1_000, 0)).toBe(300_000);
  });

  it('jitter spreads retries between half the step and the whole step', () => {
    const delays = [0, 0.25, 0.5, 0.75].map((r) => retryDelay(DEFAULT_RETRY, 3, r));
    expect(delays).toEqual([10_000, 12_500, 15_000, 17_500]);
  });

  it('gives up once waiting would pass the horizon (24 h by default)', () => {
    const day = 24 * 3_600_000;
    expect(pastHorizon(DEFAULT_RETRY, 0, day - 600_000, 500_000)).toBe(false);
    expect(pastHorizon(DEFAULT_RETRY, 0, day - 600_000, 700_000)).toBe(true);
  });
});
