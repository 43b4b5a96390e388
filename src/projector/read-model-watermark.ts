import { Inject, Injectable } from '@nestjs/common';
import { comparePositions, type Position } from '../event-store';
import { READ_STORE, type ReadStore } from '../read-store/read-store.port';
import { MAIN_PROJECTOR, Projector } from './projector';

const POLL_MS = 10;

/**
 * How far the read models have got, for read-your-writes (`minPosition`) and for every response's `position`.
 * With the projector in this process, waiting is event-driven; with a separate projector process (distributed
 * mode), or while this process's projector stands by for the lease, the checkpoint in the read store is polled.
 */
@Injectable()
export class ReadModelWatermark {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(Projector) private readonly projector: Projector | null,
  ) {}

  async current(): Promise<Position | undefined> {
    return (this.projector?.active ? this.projector.checkpoint : undefined) ?? (await this.store.getCheckpoint(MAIN_PROJECTOR));
  }

  async whenProcessed(position: Position, timeoutMs: number): Promise<boolean> {
    if (this.projector?.active) return this.projector.whenProcessed(position, timeoutMs);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await this.store.getCheckpoint(MAIN_PROJECTOR);
      if (current !== undefined && comparePositions(current, position) >= 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
