import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { positionKey } from '../../../src/read-store/position-key';
import { startReceiver } from '../../support/webhook-receiver';
import type { Row } from '../lib/report';
import { HttpClient, openLoop } from '../lib/http-load';
import { startReceiverProcess } from '../lib/receiver-process';
import { startService, type ServiceProcess } from '../lib/service';
import { fmt, sleep, summarise, type LatencySummary } from '../lib/stats';

/**
 * Issue 15, Done-when 4: append → webhook received latency at a paced 1,000 records/s (each record makes one
 * profile.created), deliveries/s of a backlog replayed to one local receiver, and the SSE fan-out to 50 readers.
 * The latency is measured twice, side by side in one run: delivery on its worker thread (the default) and, on a
 * fresh instance under the same load, on the main event loop (DESTINATION_DELIVERY=inline, how it was before).
 * A change id starts with the padded log position of the item that caused it, so every receipt is matched to the
 * moment its record was sent. Wire-in (test/bench/run.ts): `const r = await runWebhookScenario({ seconds })`,
 * `rows.push(...webhookRows(r))`. It starts and stops its own service.
 *
 * The latency runs' receiver is a process of its own (lib/receiver-process.ts; BENCH_RECEIVER=inprocess puts it
 * back in the runner, beside the load client and the SSE reader, as before session 5). BENCH_INLINE=0 leaves out
 * the inline run. BENCH_WARMUP=<seconds> (default 3, 0 for none) of paced load come before each measured window.
 * BENCH_TRACE=<prefix> writes each change's moments (sent, acked, readable on SSE, received), in
 * wall-clock ms, to <prefix>-<run>.ndjson, to be lined up with lib/stall-trace.ts's traces (tail-report.ts).
 */
export interface WebhookBenchOptions {
  /** Seconds of paced load for the latency run; the fan-out runs a fifth of it. */
  seconds: number;
  rate?: number;
  readers?: number;
}

export interface WebhookBenchResult {
  rate: number;
  /** The warm-up before the measured window (BENCH_WARMUP), its own send → webhook latency. */
  warmup?: { seconds: number; latency: LatencySummary };
  sent: number;
  /** Record sent → webhook received (includes the append's own queueing when the service is saturated). */
  latency: LatencySummary;
  /** Append acknowledged → webhook received. */
  afterAck: LatencySummary;
  /** Record sent → its change read by an SSE reader of the feed (what the projector took). */
  toFeed: LatencySummary;
  /** The change read on SSE → its webhook received (what delivery adds). */
  afterFeed: LatencySummary;
  ackedRate: number;
  ack: LatencySummary;
  backlog: { items: number; seconds: number; perSecond: number };
  fanOut: { readers: number; items: number; received: number; latency: LatencySummary; eventsPerSecond: number };
  /** The same load on a fresh instance delivering on its main event loop (DESTINATION_DELIVERY=inline); not with BENCH_INLINE=0. */
  inline?: { latency: LatencySummary; afterAck: LatencySummary; toFeed: LatencySummary; afterFeed: LatencySummary; ackedRate: number; ack: LatencySummary };
  /** Load average (1 min) when each latency run started: worker, inline (NaN without the inline run). */
  loadAtStart: { worker: number; inline: number };
  /** Where the latency runs' receiver ran (BENCH_RECEIVER). */
  receiver: 'process' | 'inprocess';
}

/** Keep-alive connections of the load client: enough for 1,000 records/s at a few ms each, bounded when it is not. */
const CONNECTIONS = 64;
/** 1,000 records/s arrive as 100 requests/s of 10 (one every 10 ms). */
const RECORDS_PER_REQUEST = 10;

let sequence = 0;
const record = () => {
  const n = sequence++;
  return { kind: 'record', id: `wh-${n}`, source: 'bench', identities: [{ namespace: 'CRMID', id: `wh-${n}` }], attributes: { n } };
};

/** When each record was sent and when its append was acknowledged, by the position key of its change. */
interface Sent {
  sentAt: Map<string, number>;
  ackedAt: Map<string, number>;
  /** Acknowledged appends per second over the paced window: below `rate` means the service did not keep up. */
  ackedRate: number;
  ack: LatencySummary;
}

/**
 * Sends `rate` records per second for `seconds` as an open loop (lib/http-load.ts: evenly spaced arrivals over a
 * bounded pool of keep-alive connections, so the client neither bursts nor opens a socket per request), in
 * `POST /v1/ingest` batches of RECORDS_PER_REQUEST: 1,000 single-record requests a second is above this service's
 * single-request ceiling on two shared cores (BENCHMARKS.md, "Freshness"), and would measure the ingest queue
 * rather than the feed and the webhooks.
 */
async function pacedRecords(service: ServiceProcess, rate: number, seconds: number, into?: Sent): Promise<Sent> {
  const client = new HttpClient(service.url, CONNECTIONS);
  const sent: Sent = into ?? { sentAt: new Map(), ackedAt: new Map(), ackedRate: 0, ack: summarise([]) };
  try {
    const loop = await openLoop(rate / RECORDS_PER_REQUEST, seconds, async () => {
      const batch = Array.from({ length: RECORDS_PER_REQUEST }, record);
      const t = performance.now();
      const reply = await client.send('POST', '/v1/ingest', JSON.stringify(batch));
      const acked = performance.now();
      if (reply.status !== 207) throw new Error(`POST /v1/ingest answered ${reply.status}`);
      for (const result of (JSON.parse(reply.body) as { results: Array<{ position?: string }> }).results) {
        if (result.position === undefined) throw new Error('an ingest item was refused');
        const key = positionKey(result.position);
        sent.sentAt.set(key, t);
        sent.ackedAt.set(key, acked);
      }
      return acked - t;
    });
    sent.ackedRate = (loop.sent * RECORDS_PER_REQUEST) / loop.seconds;
    sent.ack = summarise(loop.latenciesMs);
    return sent;
  } finally {
    client.close();
  }
}

const causeKey = (changeId: string) => changeId.slice(0, changeId.indexOf('-'));

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await sleep(5);
}

/**
 * One SSE reader beside the receiver marks when each change became readable in the feed: webhook minus SSE is what
 * the delivery itself adds (wake-up, read, sign, POST), apart from the ingest and the projector before it.
 */
async function latencyRun(service: ServiceProcess, rate: number, seconds: number, id = 'latency') {
  const receipts = new Map<string, number>();
  const readable = new Map<string, number>();
  const receiver = receiverKind() === 'process'
    ? await startReceiverProcess((webhookId, at) => receipts.set(causeKey(webhookId), at))
    : await startReceiver((d) => (receipts.set(causeKey(String(d.headers['webhook-id'])), performance.now()), 200));
  const reader = await openReader(service, (changeId) => {
    const key = causeKey(changeId);
    if (!readable.has(key)) readable.set(key, performance.now());
  });
  try {
    await putDestination(service, id, receiver.url);
    const warm = await warmUp(service, rate, receipts, readable);
    const sent = await pacedRecords(service, rate, seconds);
    await until(() => [...sent.sentAt.keys()].every((k) => receipts.has(k)), 30_000);
    const latencies = [...sent.sentAt].filter(([k]) => receipts.has(k)).map(([k, t]) => receipts.get(k)! - t);
    // The ack arrives at the client after the server sent it, so a webhook can come first: those count as 0.
    const afterAck = [...sent.ackedAt].filter(([k]) => receipts.has(k)).map(([k, t]) => Math.max(0, receipts.get(k)! - t));
    const toFeed = [...sent.sentAt].filter(([k]) => readable.has(k)).map(([k, t]) => readable.get(k)! - t);
    const afterFeed = [...sent.sentAt.keys()].filter((k) => readable.has(k) && receipts.has(k)).map((k) => Math.max(0, receipts.get(k)! - readable.get(k)!));
    if (process.env.BENCH_TRACE) {
      writeTimeline(`${process.env.BENCH_TRACE}-${id}.ndjson`, sent, readable, receipts);
      if (warm) writeTimeline(`${process.env.BENCH_TRACE}-${id}-warmup.ndjson`, warm.sent, readable, receipts);
    }
    return {
      warmup: warm && { seconds: warm.seconds, latency: warm.latency },
      sent: sent.sentAt.size,
      latency: summarise(latencies),
      afterAck: summarise(afterAck),
      toFeed: summarise(toFeed),
      afterFeed: summarise(afterFeed),
      ackedRate: sent.ackedRate,
      ack: sent.ack,
    };
  } finally {
    reader.abort();
    await receiver.close();
  }
}

/**
 * BENCH_WARMUP seconds (default 3, 0 for none) of the same paced load before the measured window, every change
 * delivered before it starts: the service was started a moment ago (its code not yet optimised by V8, its SQLite
 * files and caches cold) and the delivery worker thread by the destination just created, and those first seconds
 * were most of the run's p99 (BENCHMARKS.md, "Issue 15: the tail"). Their own latency is reported beside it.
 */
async function warmUp(service: ServiceProcess, rate: number, receipts: Map<string, number>, readable: Map<string, number>) {
  const seconds = Number(process.env.BENCH_WARMUP ?? 3);
  if (!(seconds > 0)) return undefined;
  const sent = await pacedRecords(service, rate, seconds);
  await until(() => [...sent.sentAt.keys()].every((k) => receipts.has(k) && readable.has(k)), 30_000);
  const latency = summarise([...sent.sentAt].filter(([k]) => receipts.has(k)).map(([k, t]) => receipts.get(k)! - t));
  return { seconds, sent, latency };
}

const receiverKind = () => (process.env.BENCH_RECEIVER === 'inprocess' ? 'inprocess' : 'process');

/** One line per change, its moments in wall-clock ms (absent: never seen there). */
function writeTimeline(file: string, sent: Sent, readable: Map<string, number>, receipts: Map<string, number>): void {
  const at = (t: number | undefined) => (t === undefined ? undefined : Math.round((performance.timeOrigin + t) * 100) / 100);
  const lines = [...sent.sentAt].map(([key, t]) =>
    JSON.stringify({ key, sent: at(t), acked: at(sent.ackedAt.get(key)), readable: at(readable.get(key)), received: at(receipts.get(key)) }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
}

async function backlogRun(service: ServiceProcess) {
  const total = await countFeed(service);
  let received = 0;
  const receiver = await startReceiver(() => (received++, 200));
  try {
    await putDestination(service, 'backlog', receiver.url);
    const started = performance.now();
    await fetch(`${service.url}/v1/destinations/backlog/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":""}' });
    await until(() => received >= total, 120_000);
    const seconds = (performance.now() - started) / 1000;
    return { items: received, seconds, perSecond: received / seconds };
  } finally {
    await receiver.close();
  }
}

async function fanOutRun(service: ServiceProcess, readers: number, rate: number, seconds: number) {
  // Matched to send times afterwards: an event can reach a reader before its append's ack reaches the client.
  const receipts: Array<[key: string, at: number]> = [];
  const sent: Sent = { sentAt: new Map(), ackedAt: new Map(), ackedRate: 0, ack: summarise([]) };
  const controllers = await Promise.all(Array.from({ length: readers }, () => openReader(service, (id) => receipts.push([causeKey(id), performance.now()]))));
  const started = performance.now();
  await pacedRecords(service, rate, seconds, sent);
  await until(() => receipts.length >= readers * sent.sentAt.size, 30_000);
  const elapsed = (performance.now() - started) / 1000;
  controllers.forEach((c) => c.abort());
  const latency = summarise(receipts.map(([key, at]) => at - (sent.sentAt.get(key) ?? NaN)).filter(Number.isFinite));
  return { readers, items: sent.sentAt.size, received: receipts.length, latency, eventsPerSecond: receipts.length / elapsed };
}

async function openReader(service: ServiceProcess, onEvent: (id: string) => void): Promise<AbortController> {
  const controller = new AbortController();
  const res = await fetch(`${service.url}/v1/changes/stream`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const id = /^id: (.+)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          if (id) onEvent(id);
        }
      }
    } catch {
      // aborted at the end of the run
    }
  })();
  return controller;
}

async function putDestination(service: ServiceProcess, id: string, url: string): Promise<void> {
  const res = await fetch(`${service.url}/v1/destinations/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
  if (res.status !== 200) throw new Error(`PUT destination ${id}: ${res.status}`);
}

async function countFeed(service: ServiceProcess): Promise<number> {
  let count = 0;
  let from = '';
  for (;;) {
    const page = (await (await fetch(`${service.url}/v1/changes?limit=1000&from=${from}`)).json()) as { items: Array<{ id: string }> };
    if (page.items.length === 0) return count;
    count += page.items.length;
    from = page.items.at(-1)!.id;
  }
}

export async function runWebhookScenario(options: WebhookBenchOptions): Promise<WebhookBenchResult> {
  const rate = options.rate ?? 1000;
  const inline = process.env.BENCH_INLINE === '0' ? undefined : await inlineRun(rate, options.seconds);
  const service = await startService('webhooks', { CHANGE_FEED_POLL_MS: '5' });
  try {
    const workerLoad = loadavg()[0];
    const { warmup, sent, latency, afterAck, toFeed, afterFeed, ackedRate, ack } = await latencyRun(service, rate, options.seconds);
    const backlog = await backlogRun(service);
    const fanOut = await fanOutRun(service, options.readers ?? 50, Math.min(rate, 200), Math.max(1, Math.round(options.seconds / 5)));
    return {
      rate, warmup, sent, latency, afterAck, toFeed, afterFeed, ackedRate, ack, backlog, fanOut,
      inline: inline?.result,
      loadAtStart: { worker: workerLoad, inline: inline?.load ?? NaN },
      receiver: receiverKind(),
    };
  } finally {
    await service.stop();
  }
}

/** The same paced load on an instance of its own that delivers on its main event loop, as before the worker thread. */
async function inlineRun(rate: number, seconds: number) {
  const service = await startService('webhooks-inline', { CHANGE_FEED_POLL_MS: '5', DESTINATION_DELIVERY: 'inline' });
  try {
    const load = loadavg()[0];
    const { latency, afterAck, toFeed, afterFeed, ackedRate, ack } = await latencyRun(service, rate, seconds, 'inline');
    return { load, result: { latency, afterAck, toFeed, afterFeed, ackedRate, ack } };
  } finally {
    await service.stop();
  }
}

export function webhookRows(r: WebhookBenchResult): Row[] {
  const receiver = r.receiver === 'process' ? 'receiver in its own process' : 'receiver in the runner';
  const pair = (s: LatencySummary) => `${fmt(s.p50, 1)} / ${fmt(s.p99, 1)}`;
  const warm = r.warmup ? `after a ${fmt(r.warmup.seconds)} s warm-up at the same rate (its own p50 / p99 ${pair(r.warmup.latency)} ms)` : 'no warm-up';
  const load = `paced ${fmt(r.rate)} records/s in batches of ${RECORDS_PER_REQUEST} (acked ${fmt(r.ackedRate)}/s, ack p99 ${fmt(r.ack.p99, 1)} ms), ${fmt(r.sent)} records ${warm}, ${receiver}, load average ${r.loadAtStart.worker.toFixed(2)}`;
  return [
    { scenario: 'append → webhook received p50 / p99 (ms), worker thread', tessera: pair(r.latency), baseline: '—', target: 'p99 < 100 ms', met: r.latency.p99 < 100, load },
    { scenario: '  ack → webhook; append → readable on SSE; SSE → webhook (p50 / p99 ms)', tessera: `${pair(r.afterAck)}; ${pair(r.toFeed)}; ${pair(r.afterFeed)}`, baseline: '—', target: '—', load: 'the same run: from the append’s acknowledgement; when one SSE reader saw the change; what delivery adds after it' },
    ...(r.inline ? [inlineRow(r.inline, r.loadAtStart.inline, pair)] : []),
    { scenario: 'webhook deliveries/s (backlog replay, one receiver)', tessera: fmt(r.backlog.perSecond), baseline: '—', target: '—', load: `${fmt(r.backlog.items)} changes` },
    {
      scenario: `SSE fan-out to ${r.fanOut.readers} readers: p50 / p99 (ms), events/s`,
      tessera: `${fmt(r.fanOut.latency.p50, 1)} / ${fmt(r.fanOut.latency.p99, 1)}, ${fmt(r.fanOut.eventsPerSecond)}`,
      baseline: '—',
      target: 'every reader gets every change',
      met: r.fanOut.received === r.fanOut.readers * r.fanOut.items,
      load: `${fmt(r.fanOut.items)} changes`,
    },
  ];
}

function inlineRow(inline: NonNullable<WebhookBenchResult['inline']>, load: number, pair: (s: LatencySummary) => string): Row {
  return {
    scenario: '  on the main event loop (inline): append → webhook; ack → webhook; SSE → webhook',
    tessera: `${pair(inline.latency)}; ${pair(inline.afterAck)}; ${pair(inline.afterFeed)}`,
    baseline: '—',
    target: 'p99 < 100 ms',
    met: inline.latency.p99 < 100,
    load: `the same load on a fresh instance, DESTINATION_DELIVERY=inline, run first (acked ${fmt(inline.ackedRate)}/s, ack p99 ${fmt(inline.ack.p99, 1)} ms, append → SSE ${pair(inline.toFeed)}; load average ${load.toFixed(2)})`,
  };
}
