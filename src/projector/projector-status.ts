import type { EventStore } from '../event-store/event-store.port';
import { comparePositions, type Position } from '../event-store';

export interface ProjectorStatus {
  checkpoint?: Position;
  head?: Position;
  /** How old the oldest event not yet in the read models is; 0 when caught up. */
  lagSeconds: number;
}

/** Lag in time, not in positions: positions are opaque and EventStoreDB's count bytes, not events. */
export async function projectorStatus(log: EventStore, checkpoint: Position | undefined, now = Date.now()): Promise<ProjectorStatus> {
  const head = await log.headPosition();
  if (head === undefined || (checkpoint !== undefined && comparePositions(checkpoint, head) >= 0)) {
    return { checkpoint, head, lagSeconds: 0 };
  }
  const [next] = await log.readAll({ after: checkpoint, limit: 1 });
  const lagSeconds = next ? Math.max(0, (now - next.recordedAt.getTime()) / 1000) : 0;
  return { checkpoint, head, lagSeconds };
}
