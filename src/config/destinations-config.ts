/**
 * Webhook delivery settings (API.md "Change feed and destinations"): the request timeout, the retry curve (first
 * retry within DESTINATION_RETRY_BASE_MS, doubling up to DESTINATION_RETRY_MAX_MS) and the horizon after which a
 * failing destination is disabled; CHANGE_FEED_POLL_MS is how often readers look for new feed items, and
 * SSE_HEARTBEAT_MS how long a quiet change stream waits before sending a comment line.
 */
export interface DestinationsConfig {
  /**
   * Where this instance runs the delivery loops (DESTINATION_DELIVERY): `worker` (`on`, the default) on a worker
   * thread of their own, so deliveries never queue behind ingest and projection on the main event loop; `inline`
   * on the main event loop; `off` not at all. With several API instances on one store, exactly one should deliver:
   * two loops on one destination would each send every change and could interleave their orders at the receiver.
   */
  delivery: DeliveryMode;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  horizonMs: number;
  pollMs: number;
  heartbeatMs: number;
}

export type DeliveryMode = 'worker' | 'inline' | 'off';

const DELIVERY_MODES: Record<string, DeliveryMode> = { on: 'worker', worker: 'worker', inline: 'inline', off: 'off' };

export const DEFAULT_DESTINATIONS: DestinationsConfig = {
  delivery: 'worker',
  timeoutMs: 10_000,
  retryBaseMs: 5_000,
  retryMaxMs: 10 * 60_000,
  horizonMs: 24 * 3_600_000,
  pollMs: 10,
  heartbeatMs: 15_000,
};

type IntParser = (name: string, fallback: number, min: number, max: number) => number;

export function parseDestinationsConfig(int: IntParser, env: Record<string, string | undefined> = {}, problems: string[] = []): DestinationsConfig {
  const d = DEFAULT_DESTINATIONS;
  const delivery = DELIVERY_MODES[env.DESTINATION_DELIVERY?.trim().toLowerCase() || 'on'];
  if (!delivery) problems.push(`DESTINATION_DELIVERY must be on, worker, inline or off, got "${env.DESTINATION_DELIVERY}"`);
  return {
    delivery: delivery ?? 'off',
    timeoutMs: int('DESTINATION_TIMEOUT_MS', d.timeoutMs, 100, 600_000),
    retryBaseMs: int('DESTINATION_RETRY_BASE_MS', d.retryBaseMs, 1, 3_600_000),
    retryMaxMs: int('DESTINATION_RETRY_MAX_MS', d.retryMaxMs, 1, 86_400_000),
    horizonMs: int('DESTINATION_RETRY_HORIZON_MS', d.horizonMs, 1, 30 * 86_400_000),
    pollMs: int('CHANGE_FEED_POLL_MS', d.pollMs, 1, 60_000),
    heartbeatMs: int('SSE_HEARTBEAT_MS', d.heartbeatMs, 10, 600_000),
  };
}
