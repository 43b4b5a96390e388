import { performance } from 'node:perf_hooks';
import { Analytics } from '@segment/analytics-node';
import type { BatchItem } from '../gen/workload';
import type { Row } from '../lib/report';
import { startService, type ServiceProcess } from '../lib/service';
import { fmt } from '../lib/stats';

/**
 * Segment batch throughput (issue 16, Done-when 3): the workload's events sent through POST /v1/batch by the real
 * @segment/analytics-node client, beside the very same events as POST /v1/ingest batches of the same size and the
 * same concurrency (every batch in flight at once, as the SDK sends them when it is flushed). Rounds alternate
 * A B B A after a warm-up, so neither side profits from a warmer JIT or a fuller log; each round sends fresh ids.
 * Wire-in (test/bench/run.ts): `const r = await runSegmentScenario(events, { perRound })`, then
 * `rows.push(...segmentRows(r))` (results.segment = r). It starts and stops its own service.
 */
export interface SegmentBenchOptions {
  /** Events per measured round (4 rounds, plus a warm-up of a tenth of that per side). */
  perRound: number;
  /** Messages per request on both sides: the SDK's flushAt. */
  batchSize?: number;
}

export interface SegmentBenchRound {
  side: 'segment' | 'ingest';
  events: number;
  seconds: number;
  rate: number;
  failures: number;
  /** The first few failure messages, for a figure that counts failures. */
  failureSamples: string[];
  /** CPU of the service process per event in this round: the server-side cost, apart from the client's. */
  serviceCpuUsPerEvent?: number;
}

export interface SegmentBenchResult {
  batchSize: number;
  rounds: SegmentBenchRound[];
  segmentRate: number;
  ingestRate: number;
  serviceCpuSeconds: number;
}

const WRITE_KEY = 'bench-segment-key';
const DEVICE_OS: Record<string, string> = { IDFA: 'iOS', GAID: 'Android' };

interface Pair {
  message: Record<string, unknown>;
  item: Record<string, unknown>;
}

/** One workload event as a Segment track message and as the /v1/ingest item the mapping makes of it. */
function pairOf(event: Extract<BatchItem, { kind: 'event' }>, round: string): Pair | undefined {
  const id = (ns: string) => event.identities.find((i) => i.namespace === ns)?.id;
  const [userId, anonymousId, email, phone] = [id('CRMID'), id('ECID'), id('Email'), id('Phone')];
  const device = event.identities.find((i) => DEVICE_OS[i.namespace]);
  if (userId === undefined && anonymousId === undefined) return undefined;
  const messageId = `${round}-${event.id}`;
  const message = {
    messageId, userId, anonymousId, event: event.type, properties: event.data, timestamp: event.timestamp,
    ...(phone ? { traits: { phone } } : {}),
    context: { ...(email ? { traits: { email } } : {}), ...(device ? { device: { advertisingId: device.id }, os: { name: DEVICE_OS[device.namespace] } } : {}) },
  };
  const identities = [['CRMID', userId], ['ECID', anonymousId], ['Email', email], ['Phone', phone], [device?.namespace, device?.id]]
    .filter(([ns, value]) => ns && value)
    .map(([namespace, value]) => ({ namespace, id: value }));
  const item = { kind: 'event', id: messageId, source: 'bench-ingest', type: event.type, timestamp: event.timestamp, identities, data: event.data };
  return { message, item };
}

async function segmentRound(url: string, pairs: Pair[], batchSize: number): Promise<SegmentBenchRound> {
  const samples: string[] = [];
  let failures = 0;
  // Every batch is in flight at once: on a busy machine the last answers take longer than the SDK's default 10 s
  // request timeout, which would drop (maxRetries 0) batches the service does store.
  const client = new Analytics({ writeKey: WRITE_KEY, host: url, flushAt: batchSize, flushInterval: 60_000, maxRetries: 0, httpRequestTimeout: 600_000 });
  client.on('error', (error) => {
    failures++;
    if (samples.length < 5) samples.push(String((error as { reason?: unknown }).reason ?? error.code ?? error));
  });
  const started = performance.now();
  for (const { message } of pairs) client.track(message as unknown as Parameters<Analytics['track']>[0]);
  await client.closeAndFlush({ timeout: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  return { side: 'segment', events: pairs.length, seconds, rate: pairs.length / seconds, failures, failureSamples: samples };
}

async function ingestRound(url: string, pairs: Pair[], batchSize: number): Promise<SegmentBenchRound> {
  const batches: string[] = [];
  for (let i = 0; i < pairs.length; i += batchSize) batches.push(JSON.stringify(pairs.slice(i, i + batchSize).map((p) => p.item)));
  const started = performance.now();
  const samples: string[] = [];
  const answers = await Promise.all(
    batches.map(async (body) => {
      const res = await fetch(`${url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await res.text();
      const failed = res.status === 207 ? (JSON.parse(text) as { results: Array<{ status: number }> }).results.filter((r) => r.status !== 202).length : batchSize;
      if (failed > 0 && samples.length < 5) samples.push(`${res.status} ${text.slice(0, 200)}`);
      return failed;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { side: 'ingest', events: pairs.length, seconds, rate: pairs.length / seconds, failures: answers.reduce((a, b) => a + b, 0), failureSamples: samples };
}

export async function runSegmentScenario(events: readonly BatchItem[], options: SegmentBenchOptions): Promise<SegmentBenchResult> {
  const batchSize = options.batchSize ?? 100;
  const only = events.filter((e): e is Extract<BatchItem, { kind: 'event' }> => e.kind === 'event');
  const sized = (round: string, n: number) => only.map((e) => pairOf(e, round)).filter((p): p is Pair => p !== undefined).slice(0, n);
  const service: ServiceProcess = await startService('segment', { SEGMENT_WRITE_KEYS: `${WRITE_KEY}=bench-segment` });
  try {
    const warm = Math.max(batchSize, Math.round(options.perRound / 10));
    await segmentRound(service.url, sized('warm-s', warm), batchSize);
    await ingestRound(service.url, sized('warm-i', warm), batchSize);
    const cpuBefore = service.cpuSeconds();
    const rounds: SegmentBenchRound[] = [];
    for (const [i, side] of (['segment', 'ingest', 'ingest', 'segment'] as const).entries()) {
      const pairs = sized(`r${i}`, options.perRound);
      const cpu = service.cpuSeconds();
      const round = await (side === 'segment' ? segmentRound : ingestRound)(service.url, pairs, batchSize);
      rounds.push({ ...round, serviceCpuUsPerEvent: ((service.cpuSeconds() - cpu) * 1e6) / round.events });
    }
    const rateOf = (side: string) => {
      const mine = rounds.filter((r) => r.side === side);
      return mine.reduce((a, r) => a + r.events, 0) / mine.reduce((a, r) => a + r.seconds, 0);
    };
    return { batchSize, rounds, segmentRate: rateOf('segment'), ingestRate: rateOf('ingest'), serviceCpuSeconds: service.cpuSeconds() - cpuBefore };
  } finally {
    await service.stop();
  }
}

export function segmentRows(r: SegmentBenchResult): Row[] {
  const failures = r.rounds.reduce((a, x) => a + x.failures, 0);
  const events = r.rounds.filter((x) => x.side === 'segment').reduce((a, x) => a + x.events, 0);
  const cpu = (side: string) => {
    const mine = r.rounds.filter((x) => x.side === side);
    return mine.reduce((a, x) => a + (x.serviceCpuUsPerEvent ?? 0), 0) / mine.length;
  };
  return [
    {
      scenario: `Segment /v1/batch (@segment/analytics-node, ${r.batchSize}/request)`,
      tessera: `${fmt(r.segmentRate)} ev/s`,
      baseline: `/v1/ingest, same events and batches: ${fmt(r.ingestRate)} ev/s`,
      ratio: r.segmentRate / r.ingestRate,
      target: '',
      met: failures === 0 ? undefined : false,
      load: `${fmt(events)} events per side in 2 rounds, all batches in flight; ${failures} failed`,
    },
    { scenario: '  service CPU per event', tessera: `${fmt(cpu('segment'))} µs`, baseline: `/v1/ingest: ${fmt(cpu('ingest'))} µs`, ratio: cpu('ingest') / cpu('segment'), target: '' },
  ];
}
