import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from './error-codes';

/**
 * The error responses of a route, derived from the catalogue (error-codes.ts): one OpenAPI response per status,
 * described as "CODE: role; CODE: role". Name every code the route can answer with, in one @ApiErrors.
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_CODES[code].status, [...(byStatus.get(ERROR_CODES[code].status) ?? []), code]);
  return applyDecorators(
    ...[...byStatus].map(([status, listed]) =>
      ApiResponse({ status, description: listed.map((code) => `${code}: ${ERROR_CODES[code].role}`).join('; ') }),
    ),
  );
}

/** The description ApiErrors gives one status: what a spec compares the OpenAPI document with. */
export function errorDescription(...codes: ErrorCode[]): string {
  return codes.map((code) => `${code}: ${ERROR_CODES[code].role}`).join('; ');
}
