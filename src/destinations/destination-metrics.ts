import { Counter, Gauge, type Registry } from 'prom-client';

/** Counted where the loops run; `n` (default 1) lets the main thread add what the delivery worker counted. */
export interface DestinationCounters {
  delivered(id: string, n?: number): void;
  retried(id: string, n?: number): void;
  failed(id: string, n?: number): void;
}

/**
 * Per destination (labelled by its id, which an admin chose and which holds no personal data): deliveries, retries,
 * deliveries given up (410, horizon), and the lag (feed items after its cursor), read at scrape time. The registry
 * is the main thread's; `settle` runs before each scrape so the counters hold everything the delivery worker
 * counted until then.
 */
export function destinationMetrics(
  registry: Registry,
  lags: () => Promise<Array<{ id: string; lag: number }>>,
  settle: () => Promise<void> = async () => undefined,
): DestinationCounters {
  let settling: Promise<void> | undefined;
  const settled = () => (settling ??= settle().finally(() => (settling = undefined)));
  const counter = (name: string, help: string) =>
    new Counter({
      name,
      help,
      labelNames: ['destination'] as const,
      registers: [registry],
      collect: settled,
    });
  const delivered = counter('tessera_destination_delivered_total', 'Changes a destination acknowledged with 2xx');
  const retried = counter('tessera_destination_retried_total', 'Failed delivery attempts that will be retried');
  const failed = counter('tessera_destination_failed_total', 'Deliveries given up: 410 Gone, or failing past the horizon');
  new Gauge({
    name: 'tessera_destination_lag',
    help: 'Feed items after the destination cursor (still to deliver or pass over)',
    labelNames: ['destination'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { id, lag } of await lags()) this.set({ destination: id }, lag);
    },
  });
  return {
    delivered: (id, n = 1) => delivered.inc({ destination: id }, n),
    retried: (id, n = 1) => retried.inc({ destination: id }, n),
    failed: (id, n = 1) => failed.inc({ destination: id }, n),
  };
}
