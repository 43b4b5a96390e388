export { ComputedRuntime, TICK_MS, type RederivedValues, type ValuesListener } from './computed-runtime';
export { definitionsAt, definitionsBefore, isComputedDefinitionEvent } from './definitions-in-force';
export { timelinesOf } from './timelines';
