import type { DeliveryLoops } from './delivery-loops';

/**
 * How this instance has its destinations delivered (DESTINATION_DELIVERY): on the delivery worker thread
 * (delivery-worker.ts, the default), on the main event loop (InlineDelivery), or not at all (NO_DELIVERY). The
 * service manages definitions in the destination store and tells its delivery what changed.
 */
export interface Delivery {
  /** Created, changed or re-enabled: its loop starts if it is not running and looks at its definition again now. */
  start(id: string): void;
  /** Resolves once its loop has ended, nothing in flight: before a delete, before a replay moves its cursor. */
  stop(id: string): Promise<void>;
  /** Before a metrics scrape: the delivery counters take in everything counted so far, wherever it was counted. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The loops on the main event loop, beside ingest and projection (for tests and small setups). */
export class InlineDelivery implements Delivery {
  constructor(private readonly loops: DeliveryLoops) {}

  start(id: string): void {
    this.loops.start(id);
  }

  stop(id: string): Promise<void> {
    return this.loops.stop(id);
  }

  async settle(): Promise<void> {}

  close(): Promise<void> {
    return this.loops.stopAll();
  }
}

/** DESTINATION_DELIVERY=off: another instance delivers; this one only manages definitions. */
export const NO_DELIVERY: Delivery = {
  start: () => undefined,
  stop: async () => undefined,
  settle: async () => undefined,
  close: async () => undefined,
};
