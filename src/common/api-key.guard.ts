import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiKey, Scope, TESSERA_CONFIG, TesseraConfig } from '../config';
import { AppError } from './app-error';
import { REQUIRED_SCOPE } from './require-scope.decorator';

/**
 * Bearer API keys with scopes. Without configured keys the service is loopback-only (the config refuses anything
 * else), and everything is allowed. Keys are compared by digest in constant time, so timing leaks nothing.
 */
export class ApiKeyCheck {
  private readonly keys: Array<{ digest: Buffer; scopes: Scope[] }>;

  constructor(config: TesseraConfig) {
    this.keys = config.apiKeys.map((k: ApiKey) => ({ digest: digest(k.key), scopes: k.scopes }));
  }

  /** Throws 401 UNAUTHENTICATED or 403 FORBIDDEN_SCOPE unless the Authorization header grants `scope`. */
  authorize(authorization: string | undefined, scope: Scope | undefined): void {
    if (scope === undefined || this.keys.length === 0) return;
    const presented = bearerToken(authorization);
    const key = presented === undefined ? undefined : this.find(digest(presented));
    if (!key) throw new AppError('UNAUTHENTICATED', 401, 'Send a valid API key as "Authorization: Bearer <key>"');
    if (!key.scopes.includes(scope)) throw new AppError('FORBIDDEN_SCOPE', 403, `This API key lacks the ${scope} scope`);
  }

  private find(presented: Buffer) {
    let found: { digest: Buffer; scopes: Scope[] } | undefined;
    for (const key of this.keys) if (timingSafeEqual(key.digest, presented)) found = key;
    return found;
  }
}

/** ApiKeyCheck on every route, with the scope its @RequireScope names. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly check: ApiKeyCheck;

  constructor(
    private readonly reflector: Reflector,
    @Inject(TESSERA_CONFIG) config: TesseraConfig,
  ) {
    this.check = new ApiKeyCheck(config);
  }

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    this.check.authorize(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization, scope);
    return true;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
