import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A webhook receiver in a process of its own, for the latency runs of the webhook bench: in the runner's process
 * its answers waited behind the load client, the SSE reader and the runner's own GC, and a delivery (the next
 * POST goes only after the previous answer) measured the runner as much as the service. It answers 200 at once and
 * reports each receipt's webhook-id with the wall-clock time it arrived (timeOrigin + now), every 20 ms by IPC;
 * the runner turns them back into its own performance.now() clock.
 */
export interface ReceiverProcess {
  url: string;
  close(): Promise<void>;
}

type Receipt = [id: string, wallMs: number];

export async function startReceiverProcess(onReceipt: (webhookId: string, at: number) => void): Promise<ReceiverProcess> {
  // The runner's node flags too (its heap bound; a -r stall-trace.js then traces the receiver as well).
  const child = fork(__filename, ['--receiver'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.on('message', (message: { receipts?: Receipt[] }) => {
    for (const [id, wallMs] of message.receipts ?? []) onReceipt(id, wallMs - performance.timeOrigin);
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port?: number }) => (message.port ? resolve(message.port) : reject(new Error('receiver: no port'))));
    child.once('exit', (code) => reject(new Error(`receiver exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/hook`, close: () => stop(child) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Asked to flush what it holds first, then to go.
  child.send({ close: true });
  await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

function serve(): void {
  let pending: Receipt[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    process.send!({ receipts: pending });
    pending = [];
  };
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      pending.push([String(req.headers['webhook-id']), performance.timeOrigin + performance.now()]);
      res.writeHead(200).end();
    });
  });
  const timer = setInterval(flush, 20);
  process.on('message', (message: { close?: boolean }) => {
    if (!message.close) return;
    clearInterval(timer);
    flush();
    server.close();
    server.closeAllConnections();
    process.disconnect();
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
}

if (require.main === module && process.argv.includes('--receiver')) serve();
