import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorBody, HTTP_LAYER_ERRORS, layerError, mapError, type MappedError } from './error-body';
import type { RouteTable } from './route-table';

/**
 * The one place errors become HTTP responses. Client faults keep their stable code; anything else is a server
 * fault, logged (without the request body, which may hold PII) and answered with a generic 500 body.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    /** Tells a wrong method (405) from an unknown path (404). */
    private readonly routes: RouteTable,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    this.respond(error, host.switchToHttp().getRequest<FastifyRequest>(), host.switchToHttp().getResponse<FastifyReply>());
  }

  /** The answer to `error`: also for routes fastify runs without Nest (profile-read-routes.ts). */
  respond(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const mapped = this.mapped(error);
    const wrongMethod = this.wrongMethod(mapped, request, reply);
    void reply.status(wrongMethod?.status ?? mapped.status).send(wrongMethod?.body ?? mapped.body);
  }

  /**
   * The status and body for `error` on a route that matched (no 405 to tell): also for the ingest lane, which
   * answers before fastify (ingestion/ingest-lane.ts). A server fault is logged here and answered with a generic 500.
   */
  mapped(error: unknown): MappedError {
    const mapped = mapError(error);
    if (mapped) return mapped;
    this.logger.error({ err: error }, 'unhandled error while serving a request');
    return { status: 500, body: errorBody('INTERNAL', 'The service failed to handle the request') };
  }

  /** A route-not-found whose path other methods answer: 405 with `Allow`, naming them. */
  private wrongMethod(mapped: MappedError, request: FastifyRequest, reply: FastifyReply): MappedError | undefined {
    if (mapped.body.error.code !== HTTP_LAYER_ERRORS.routeNotFound[0]) return undefined;
    const allowed = this.routes.allowedMethods(request.url);
    if (allowed.length === 0 || allowed.includes(request.method)) return undefined;
    void reply.header('allow', allowed.join(', '));
    return layerError(HTTP_LAYER_ERRORS.methodNotAllowed, [{ message: `Use ${allowed.join(', ')}`, allowed }]);
  }
}
