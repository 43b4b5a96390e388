import { performance } from 'node:perf_hooks';
import type { BatchItem } from '../gen/workload';
import { HttpClient, openLoop } from '../lib/http-load';
import { summarise, type LatencySummary } from '../lib/stats';

/**
 * Freshness: single events POSTed at a fixed arrival rate (open loop); for a sample of them, right after the
 * durable ack, GET the profile of the event's identity with minPosition=<ack position>, which the service answers
 * once its read models cover that position. Freshness = ack → that 200, so it includes one GET round trip (well under
 * a millisecond on loopback when idle). Probes are capped at 200/s so the client does not starve the service.
 * Runs inside the load-client process (lib/load-client.ts), never in the runner or the service.
 */
export interface FreshnessRun {
  targetRate: number;
  ackedRate: number;
  probes: number;
  freshness: LatencySummary;
  ack: LatencySummary;
  stale: number;
}

const MAX_PROBES_PER_SECOND = 200;
export const FRESHNESS_WRITERS = 256;

export async function runFreshness(url: string, events: readonly BatchItem[], rate: number, seconds: number): Promise<FreshnessRun> {
  const writer = new HttpClient(url, FRESHNESS_WRITERS);
  const reader = new HttpClient(url, 64);
  const every = Math.max(1, Math.ceil(rate / MAX_PROBES_PER_SECOND));
  const ackMs: number[] = [];
  let stale = 0;
  try {
    const loop = await openLoop(rate, seconds, async (i) => {
      if (i >= events.length) throw new Error('freshness ran out of fresh events (a re-sent event is a duplicate)');
      const { kind: _kind, ...body } = events[i];
      const sent = performance.now();
      const reply = await writer.post('/v1/events', body);
      const acked = performance.now();
      ackMs.push(acked - sent);
      if (reply.status !== 202) throw new Error(`POST /v1/events answered ${reply.status}`);
      if (i % every !== 0) return undefined;
      const position = (JSON.parse(reply.body) as { position: string }).position;
      const { namespace, id } = body.identities[0];
      const read = await reader.send('GET', `/v1/profiles/${namespace}/${encodeURIComponent(id)}?minPosition=${position}`);
      if (read.status !== 200) stale++;
      return performance.now() - acked;
    });
    return {
      targetRate: rate,
      ackedRate: loop.sent / loop.seconds,
      probes: loop.latenciesMs.length,
      freshness: summarise(loop.latenciesMs),
      ack: summarise(ackMs),
      stale,
    };
  } finally {
    writer.close();
    reader.close();
  }
}
