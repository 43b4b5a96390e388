import { compare } from './compare';
import type { DataCondition } from './condition';
import { readPath } from './field-path';

/** Whether an event's `data` satisfies a (validated) data condition. */
export function evaluateDataCondition(condition: DataCondition, data: unknown): boolean {
  if ('and' in condition) return condition.and.every((c) => evaluateDataCondition(c, data));
  if ('or' in condition) return condition.or.some((c) => evaluateDataCondition(c, data));
  if ('not' in condition) return !evaluateDataCondition(condition.not, data);
  return compare(condition.op, readPath(data, condition.field), condition.value);
}
