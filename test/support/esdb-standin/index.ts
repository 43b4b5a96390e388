export { startEsdbStandIn, type EsdbStandIn } from './esdb-standin';
