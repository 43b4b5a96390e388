/** How delivery retries (API.md: first retry within 5 s, doubling, capped at 10 minutes, up to a horizon). */
export interface RetryPolicy {
  /** Upper bound of the first retry's delay. */
  baseMs: number;
  maxMs: number;
  /** A destination failing for longer than this is disabled (default 24 h). */
  horizonMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 5_000, maxMs: 10 * 60_000, horizonMs: 24 * 3_600_000 };

/**
 * The delay before retry `attempt` (1 = the first retry): the doubled step, capped, then "equal jitter" (uniformly
 * between half of it and all of it), so failing destinations that started together do not retry in lockstep and
 * the first retry still comes within `baseMs`. `random` is in [0, 1).
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random: number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(step / 2 + (step / 2) * random);
}

/** Whether waiting `delayMs` more would take a run of failures that began at `failingSince` past the horizon. */
export function pastHorizon(policy: RetryPolicy, failingSince: number, now: number, delayMs: number): boolean {
  return now + delayMs - failingSince > policy.horizonMs;
}
