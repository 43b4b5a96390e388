import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyHttpOptions, FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { MAX_IDENTITY_VALUE_LENGTH } from '../../projections/identity-graph';
import { errorBody, HTTP_LAYER_ERRORS, layerError, mapError, type MappedError } from './error-body';

/**
 * Errors raised before any route runs, where neither Nest's filters nor fastify's error handler reach: the router
 * (a bad percent-encoding, an over-long path parameter) and Node's HTTP parser (an over-long request line or header
 * block, bytes that are not HTTP). Both answer the API's error body with a stable code, never a vendor's.
 */

/**
 * Longest path parameter the router accepts. find-my-way measures a parameter once decoded, in UTF-16 units:
 * fastify's default (100) refused values ingestion accepts (1024 characters, so up to 2048 units in scripts beyond
 * the BMP). This is the 4096 units SubjectLookup takes before trimming: a longer one is a 414, never a 404.
 */
export const MAX_PATH_PARAM_LENGTH = MAX_IDENTITY_VALUE_LENGTH * 4;

/**
 * Node's limit on the request line plus headers (its default is 16 KB), which counts the percent-encoded bytes: a
 * value of 1024 characters is up to 12 KB encoded (4 UTF-8 bytes a character, 3 characters a byte), and the explain
 * read carries two identities in one URL (`/{ns}/{id}/graph/explain?to={ns}:{id}`), with headers beside them.
 */
export const MAX_HEADER_BYTES = 32 * 1024;

/** The fastify options of the HTTP layer: limits that fit every identity, and our error body for what fails early. */
export function httpLayerOptions(logger: Logger): Pick<FastifyHttpOptions<Server>, 'routerOptions' | 'http' | 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = routerErrorResponse(error, logger);
      // The hook is generic over route schemas it never has (no route matched): a plain reply is what it gets.
      void (reply as unknown as FastifyReply).status(status).send(body);
    },
    clientErrorHandler,
  };
}

/** Router errors (FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH) in our error body; anything else there is a fault. */
function routerErrorResponse(error: FastifyError, logger: Logger): MappedError {
  const mapped = mapError(error);
  if (mapped) return mapped;
  logger.error({ err: error }, 'router failed before a route ran');
  return { status: 500, body: errorBody('INTERNAL', 'The service failed to handle the request') };
}

/**
 * A query string with an invalid percent-encoding (`%ff`, `%E0%A4`) is a 400 MALFORMED_URL, as it is in a path: the
 * query parser would keep it as literal text, and a lookup would then read another identity than the one meant.
 */
export function rejectMalformedQueries(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const start = request.url.indexOf('?');
    if (start === -1 || request.url.indexOf('%', start) === -1 || isWellEncoded(request.url.slice(start + 1))) return done();
    const { status, body } = layerError(HTTP_LAYER_ERRORS.malformedUrl);
    void reply.status(status).send(body);
  });
}

/** Escapes never span `&` or `=`, so the whole query decodes exactly when each of its parts does. */
function isWellEncoded(query: string): boolean {
  try {
    decodeURIComponent(query);
    return true;
  } catch {
    return false;
  }
}

/** fastify's `clientErrorHandler`: what Node's parser refused, answered on the raw socket, then closed. */
export function clientErrorHandler(error: ConnectionError, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const { status, body } = clientErrorOf(error);
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}

function clientErrorOf(error: ConnectionError): MappedError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return layerError(HTTP_LAYER_ERRORS.requestTimeout);
  if (error.code !== 'HPE_HEADER_OVERFLOW') return layerError(HTTP_LAYER_ERRORS.malformedRequest);
  // The request line alone overflowed when the packet holds no line end: the URL is too long, not the headers.
  // Node hands the packet as a Buffer (fastify's type describes its JSON form).
  const lineEnd = (error.rawPacket as unknown as Buffer | undefined)?.indexOf('\r\n') ?? -1;
  return layerError(lineEnd === -1 || lineEnd >= MAX_HEADER_BYTES ? HTTP_LAYER_ERRORS.uriTooLong : HTTP_LAYER_ERRORS.headersTooLarge);
}
