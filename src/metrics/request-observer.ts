import type { Logger } from 'pino';
import type { MetricsService } from './metrics.service';

/**
 * What the service records of every answered request: the latency histogram by route pattern, and a debug line.
 * Raw URLs can hold identity values (PII), patterns cannot. Fastify's onResponse hook (main.ts) and the profile
 * read lane (profiles/profile-read-lane.ts), which answers before fastify, record through this one place.
 */
export class RequestObserver {
  constructor(
    private readonly metrics: MetricsService,
    private readonly logger: Logger,
  ) {}

  observe(method: string, route: string, status: number, ms: number): void {
    this.metrics.requestDuration.observe({ method, route, status: String(status) }, ms / 1000);
    // The line's object is not built when the level drops it (it is `warn` in production).
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ method, route, status, ms }, 'request');
  }
}
