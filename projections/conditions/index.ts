export * from './condition';
export { compare, sameValue } from './compare';
export { parseDuration, durationProblem, MAX_DURATION_MS } from './duration';
export { readPath, pathProblem } from './field-path';
export {
  validateDataCondition,
  validateComparison,
  validateGroup,
  unknownKeys,
  isPlainObject,
  MAX_CHILDREN,
  MAX_DEPTH,
} from './validate-condition';
export { evaluateDataCondition } from './evaluate-data-condition';
