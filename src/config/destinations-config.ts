/**
 * Webhook delivery settings (API.md "Change feed and destinations"): the request timeout, the retry curve (first
 * retry within DESTINATION_RETRY_BASE_MS, doubling up to DESTINATION_RETRY_MAX_MS) and the horizon after which a
 * failing destination is disabled; CHANGE_FEED_POLL_MS is how often readers look for new feed items, and
 * SSE_HEARTBEAT_MS how long a quiet change stream waits before sending a comment line.
 */
export interface DestinationsConfig {
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  horizonMs: number;
  pollMs: number;
  heartbeatMs: number;
}

export const DEFAULT_DESTINATIONS: DestinationsConfig = {
  timeoutMs: 10_000,
  retryBaseMs: 5_000,
  retryMaxMs: 10 * 60_000,
  horizonMs: 24 * 3_600_000,
  pollMs: 10,
  heartbeatMs: 15_000,
};

type IntParser = (name: string, fallback: number, min: number, max: number) => number;

export function parseDestinationsConfig(int: IntParser): DestinationsConfig {
  const d = DEFAULT_DESTINATIONS;
  return {
    timeoutMs: int('DESTINATION_TIMEOUT_MS', d.timeoutMs, 100, 600_000),
    retryBaseMs: int('DESTINATION_RETRY_BASE_MS', d.retryBaseMs, 1, 3_600_000),
    retryMaxMs: int('DESTINATION_RETRY_MAX_MS', d.retryMaxMs, 1, 86_400_000),
    horizonMs: int('DESTINATION_RETRY_HORIZON_MS', d.horizonMs, 1, 30 * 86_400_000),
    pollMs: int('CHANGE_FEED_POLL_MS', d.pollMs, 1, 60_000),
    heartbeatMs: int('SSE_HEARTBEAT_MS', d.heartbeatMs, 10, 600_000),
  };
}
