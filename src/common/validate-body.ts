import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { badRequest, ErrorDetail } from './app-error';
import { checkPayload } from './payload-rules';

/**
 * Validates a parsed JSON body against a class-validator DTO. Prototype keys and excessive nesting are refused
 * first, before class-transformer copies anything. Shape errors (wrong type, missing field) are 400
 * VALIDATION_FAILED with one detail per violated constraint.
 */
export function validateBody<T extends object>(dto: ClassConstructor<T>, raw: unknown): T {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest('VALIDATION_FAILED', 'The body must be a JSON object');
  }
  checkPayload(raw, '', { strictKeys: false });
  const instance = plainToInstance(dto, raw);
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const details = flatten(errors, '');
    throw badRequest('VALIDATION_FAILED', details[0]?.message ?? 'The body does not match the schema', details);
  }
  return instance;
}

function flatten(errors: ValidationError[], prefix: string): ErrorDetail[] {
  return errors.flatMap((e) => {
    const path = prefix ? (/^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ path, code: 'VALIDATION_FAILED', message }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}
