import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { errorDescription } from './api-errors.decorator';
import type { Scope } from '../config';

export const REQUIRED_SCOPE = 'tessera:required-scope';

/**
 * Marks a route (or a controller) as needing an API key with this scope. Routes without it are public
 * (health, metrics, docs). Enforced by the global ApiKeyGuard.
 */
export function RequireScope(scope: Scope): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPE, scope),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: errorDescription('UNAUTHENTICATED') }),
    ApiForbiddenResponse({ description: `${errorDescription('FORBIDDEN_SCOPE')} (here: ${scope})` }),
  );
}
