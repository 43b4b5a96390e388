import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import type { LogLevel } from '../config';

/**
 * One pino logger for the service. Nothing logs request bodies, raw URLs or identity values: request logs carry
 * the route pattern (/v1/profiles/:namespace/:id), never the path with the identity in it.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'tessera' }, redact: ['req.headers.authorization', '*.authorization'] });
}

/** Routes Nest's own messages (module init, route mapping) through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
