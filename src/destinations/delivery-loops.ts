import { DeliveryLoop, type DeliveryDeps } from './delivery-loop';

/**
 * One DeliveryLoop per enabled destination, all sharing one set of dependencies (store, feed, sender), on whichever
 * thread runs delivery: the delivery worker thread by default, the main thread with DESTINATION_DELIVERY=inline.
 */
export class DeliveryLoops {
  private readonly loops = new Map<string, DeliveryLoop>();

  constructor(private readonly deps: DeliveryDeps) {}

  /** At start (and after a restart of the worker): every enabled destination resumes at its stored cursor. */
  async startEnabled(): Promise<void> {
    for (const destination of await this.deps.store.list()) if (destination.enabled) this.start(destination.id);
  }

  /** Created, changed or re-enabled: starts its loop if it is not running and has it look again now. */
  start(id: string): void {
    let loop = this.loops.get(id);
    if (!loop) this.loops.set(id, (loop = new DeliveryLoop(id, this.deps)));
    loop.start();
    loop.poke();
  }

  /** Resolves once its loop has ended (nothing of it in flight): before a delete, before a replay moves the cursor. */
  async stop(id: string): Promise<void> {
    await this.loops.get(id)?.stop();
    this.loops.delete(id);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.loops.keys()].map((id) => this.stop(id)));
  }
}
