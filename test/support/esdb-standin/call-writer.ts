import type { ServerWritableStream } from '@grpc/grpc-js';

/**
 * Writes to a server stream with back-pressure: waits for 'drain' when the transport buffer is full, so a slow
 * client slows the stand-in down instead of the stand-in buffering the whole log in memory.
 */
export class CallWriter<Req, Res> {
  private closed = false;
  private readonly waiters = new Set<() => void>();

  constructor(readonly call: ServerWritableStream<Req, Res>) {
    const close = () => {
      this.closed = true;
      this.wake();
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
    call.on('drain', () => this.wake());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async write(message: Res): Promise<void> {
    if (this.closed) return;
    if (this.call.write(message)) return;
    await this.waitForWake();
  }

  /** Resolves on the next drain, close, or explicit wake (a new append). */
  waitForWake(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  wake(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiting) resolve();
  }

  end(): void {
    if (!this.closed) this.call.end();
    this.closed = true;
  }

  fail(code: number, details: string): void {
    this.failWith({ code, details });
  }

  failWith(error: { code: number; details: string; metadata?: unknown }): void {
    if (this.closed) return;
    this.closed = true;
    this.call.emit('error', error);
    this.wake();
  }
}
