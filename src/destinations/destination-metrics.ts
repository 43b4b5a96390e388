import { Counter, Gauge, type Registry } from 'prom-client';

export interface DestinationCounters {
  delivered(id: string): void;
  retried(id: string): void;
  failed(id: string): void;
}

/**
 * Per destination (labelled by its id, which an admin chose and which holds no personal data): deliveries, retries,
 * deliveries given up (410, horizon), and the lag (feed items after its cursor), read at scrape time.
 */
export function destinationMetrics(registry: Registry, lags: () => Promise<Array<{ id: string; lag: number }>>): DestinationCounters {
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['destination'] as const, registers: [registry] });
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
    delivered: (id) => delivered.inc({ destination: id }),
    retried: (id) => retried.inc({ destination: id }),
    failed: (id) => failed.inc({ destination: id }),
  };
}
