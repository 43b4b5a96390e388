import { connect, type Socket } from 'node:net';

/**
 * The paced window's GET client: keep-alive sockets of `node:net`, one request in flight on each, the request bytes
 * built once per path, the answer read up to its Content-Length and only its status kept. node:http's client (an
 * Agent, a ClientRequest and an IncomingMessage per request) cost the paced lookup window 40-45 % of a core at
 * 2,000 req/s, about twice the service's own CPU, and a client that busy is descheduled more often on a shared
 * machine: its stalls land in the window's p99. Only what the bench's GETs need: HTTP/1.1, Content-Length bodies
 * (anything else fails loudly), no redirects, no bodies sent.
 */
export class RawGetClient {
  private readonly idle: Lane[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly lanes: Lane[] = [];
  private readonly requests = new Map<string, Buffer>();

  constructor(
    private readonly base: string,
    private readonly connections: number,
  ) {}

  async get(path: string): Promise<number> {
    const lane = await this.lane();
    try {
      return await lane.send(this.bytesOf(path));
    } finally {
      const next = this.waiting.shift();
      this.idle.push(lane);
      next?.();
    }
  }

  close(): void {
    for (const lane of this.lanes) lane.socket.destroy();
  }

  private bytesOf(path: string): Buffer {
    let bytes = this.requests.get(path);
    if (!bytes) {
      const { host } = new URL(this.base);
      bytes = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`, 'latin1');
      this.requests.set(path, bytes);
    }
    return bytes;
  }

  private async lane(): Promise<Lane> {
    for (;;) {
      const free = this.idle.pop();
      if (free && !free.socket.destroyed) return free;
      // A closed connection gives its place to a new one.
      if (free) this.lanes.splice(this.lanes.indexOf(free), 1);
      if (this.lanes.length < this.connections) {
        const { hostname, port } = new URL(this.base);
        const lane = new Lane(connect(Number(port), hostname));
        lane.socket.setNoDelay(true);
        this.lanes.push(lane);
        return lane;
      }
      else if (!free) await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }
}

const HEADER_END = Buffer.from('\r\n\r\n');

class Lane {
  private buffered: Buffer = Buffer.alloc(0);
  private pending?: { resolve: (status: number) => void; reject: (error: Error) => void };

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  send(bytes: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffered.toString('latin1', 0, end);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) return this.fail(new Error(`an answer without Content-Length: ${head.slice(0, 200)}`));
    const total = end + HEADER_END.length + Number(length[1]);
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(Number(head.slice(9, 12)));
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}
