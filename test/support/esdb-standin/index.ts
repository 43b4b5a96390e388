export { startEsdbStandIn, type EsdbStandIn } from './esdb-standin';
export type { StandInOptions } from './server-behaviour';
