/** What other slices may use of this one: import from here, not from its files. */
export { MetricsService } from './metrics.service';
export { RequestObserver } from './request-observer';
