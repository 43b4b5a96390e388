import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { errorBody, mapError } from './error-body';

/**
 * The one place errors become HTTP responses. Client faults keep their stable code; anything else is a server
 * fault, logged (without the request body, which may hold PII) and answered with a generic 500 body.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const mapped = mapError(error);
    if (mapped) {
      void reply.status(mapped.status).send(mapped.body);
      return;
    }
    this.logger.error({ err: error }, 'unhandled error while serving a request');
    void reply.status(500).send(errorBody('INTERNAL', 'The service failed to handle the request'));
  }
}
