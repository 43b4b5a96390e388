import { comparePositions, type Position } from '../event-store';

/**
 * Read-your-writes: callers wait until the read models cover a position. Resolved as the projector advances, so
 * a waiting request costs nothing while it waits (no polling).
 */
export class PositionWaiters {
  private current?: Position;
  private readonly pending = new Set<{ position: Position; resolve(ok: boolean): void; timer: NodeJS.Timeout }>();

  get position(): Position | undefined {
    return this.current;
  }

  covers(position: Position): boolean {
    return this.current !== undefined && comparePositions(this.current, position) >= 0;
  }

  advance(position: Position): void {
    if (this.covers(position)) return;
    this.current = position;
    for (const waiter of this.pending) {
      if (!this.covers(waiter.position)) continue;
      clearTimeout(waiter.timer);
      this.pending.delete(waiter);
      waiter.resolve(true);
    }
  }

  wait(position: Position, timeoutMs: number): Promise<boolean> {
    if (this.covers(position)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve,
        timer: setTimeout(() => {
          this.pending.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.pending.add(waiter);
    });
  }

  cancelAll(): void {
    for (const waiter of this.pending) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.pending.clear();
  }
}
