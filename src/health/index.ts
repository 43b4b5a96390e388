/** What other slices may use of this one: import from here, not from its files. */
export { ReadinessRegistry } from './readiness.registry';
