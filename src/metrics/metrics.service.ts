import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type IngestStatus = 'accepted' | 'duplicate' | 'rejected';

/**
 * The service's Prometheus metrics, in a registry of its own (not prom-client's global one), so several app
 * instances in one process (tests) do not collide. Other slices register their metrics on `registry`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly ingestedItems = new Counter({
    name: 'tessera_ingest_items_total',
    help: 'Ingested items by kind (record, event, link) and outcome (accepted, duplicate, rejected)',
    labelNames: ['kind', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tessera_' });
  }

  countIngested(kind: string, status: IngestStatus): void {
    this.ingestedItems.inc({ kind, status });
  }
}
