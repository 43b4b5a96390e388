import type { DestinationCounters } from './destination-metrics';
import type { CountDelta } from './delivery-worker-protocol';

/** Counts of the delivery worker thread, handed to the main thread (which owns the metrics registry) in batches. */
export class CountBuffer implements DestinationCounters {
  private counts = new Map<string, CountDelta>();

  delivered(id: string, n = 1): void {
    this.of(id)[1] += n;
  }

  retried(id: string, n = 1): void {
    this.of(id)[2] += n;
  }

  failed(id: string, n = 1): void {
    this.of(id)[3] += n;
  }

  take(): CountDelta[] {
    const counts = [...this.counts.values()];
    this.counts = new Map();
    return counts;
  }

  private of(id: string): CountDelta {
    let delta = this.counts.get(id);
    if (!delta) this.counts.set(id, (delta = [id, 0, 0, 0]));
    return delta;
  }
}
