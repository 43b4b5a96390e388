import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
  /** What the receiver answered. */
  status?: number;
}

/**
 * A real webhook receiver on 127.0.0.1:<free port>: records every POST and answers what `answer` says (200 by
 * default). `verified(secret)` checks every delivery's signature with the standardwebhooks package, as a receiver
 * following the specification would, and returns the parsed bodies.
 */
export interface Receiver {
  url: string;
  deliveries: Delivery[];
  answer: (delivery: Delivery) => number;
  verified(secret: string): Array<{ type: string; timestamp: string; data: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  until(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(answer: (delivery: Delivery) => number = () => 200): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const receiver = { answer } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const delivery: Delivery = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
      deliveries.push(delivery);
      delivery.status = receiver.answer(delivery);
      res.writeHead(delivery.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    verified: (secret: string) =>
      deliveries.map((d) => new Webhook(secret).verify(d.body, d.headers as Record<string, string>) as ReturnType<Receiver['verified']>[number]),
    until: async (count: number, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (deliveries.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${deliveries.length}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Polls `check` until it holds (a condition, not a time, ends the wait). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
