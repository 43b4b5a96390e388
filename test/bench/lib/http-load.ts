import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { sleep } from './stats';

/**
 * A small HTTP load generator over keep-alive sockets (node:http, no extra package): closed loops with a fixed
 * number of connections, and open loops at a fixed arrival rate. Every loop is bounded by a count or a deadline.
 */
export interface Reply {
  status: number;
  body: string;
}

export class HttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly base: string,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(method: string, path: string, body?: string, contentType = 'application/json'): Promise<Reply> {
    const url = new URL(path, this.base);
    const headers: Record<string, string | number> = body === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(body) };
    return new Promise((resolve, reject) => {
      const req = request(url, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async post(path: string, payload: unknown): Promise<Reply> {
    return this.send('POST', path, JSON.stringify(payload));
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoopResult {
  requests: number;
  seconds: number;
  latenciesMs: number[];
}

/** `connections` lanes each send the next request as soon as the previous answered, until `count` or the deadline. */
export async function closedLoop(connections: number, count: number, maxSeconds: number, call: (i: number) => Promise<void>): Promise<LoopResult> {
  const latenciesMs: number[] = [];
  const deadline = performance.now() + maxSeconds * 1000;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count && performance.now() < deadline) {
      const i = next++;
      const t = performance.now();
      await call(i);
      latenciesMs.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: connections }, lane));
  return { requests: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs };
}

/** A span of the open loop's own event loop standing still: it woke this much later than its next send was due. */
export interface ClientStall {
  start: number;
  end: number;
}

/** A send later than this behind its due time marks the client's own loop as stalled (setTimeout's jitter is ~1 ms). */
export const CLIENT_STALL_MS = 2;

/**
 * Starts call(i) at `rate` per second for `seconds`, whatever the answers (an open loop: latency includes queueing
 * when the service falls behind). Latency is measured by the call itself and returned in the result list. `stalls`
 * are the spans in which the loop itself stood still (a GC of the client, the scheduler giving its core away): it
 * sent late, and an answer that came in then was timed late; `sendSlipMs[i]` is how late call(i) started.
 */
export async function openLoop(
  rate: number,
  seconds: number,
  call: (i: number) => Promise<number | undefined>,
): Promise<{ sent: number; latenciesMs: number[]; seconds: number; stalls: ClientStall[]; sendSlipMs: number[] }> {
  const total = Math.max(1, Math.round(rate * seconds));
  const latenciesMs: number[] = [];
  const pending: Promise<void>[] = [];
  const stalls: ClientStall[] = [];
  const sendSlipMs: number[] = [];
  // Failures are held, not left unhandled while later calls are still being started; the first one is rethrown.
  let failure: { error: unknown } | undefined;
  const started = performance.now();
  for (let i = 0; i < total && !failure; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const now = performance.now();
    sendSlipMs.push(Math.max(0, now - due));
    if (now - due > CLIENT_STALL_MS) {
      const last = stalls[stalls.length - 1];
      if (last && due <= last.end) last.end = now;
      else stalls.push({ start: due, end: now });
    }
    pending.push(call(i).then((ms) => void (ms !== undefined && latenciesMs.push(ms)), (error: unknown) => void (failure ??= { error })));
  }
  await Promise.all(pending);
  if (failure) throw failure.error;
  return { sent: total, latenciesMs, seconds: (performance.now() - started) / 1000, stalls, sendSlipMs };
}
