export { ComputedRuntime, TICK_MS } from './computed-runtime';
export { definitionsAt, definitionsBefore, isComputedDefinitionEvent } from './definitions-in-force';
export { timelinesOf } from './timelines';
