import { HttpException } from '@nestjs/common';
import { AppError, ErrorDetail } from './app-error';
import { statusOf, type ErrorCode } from './error-codes';

/** The API's one error shape (API.md "Conventions"). */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

export interface MappedError {
  status: number;
  body: ErrorBody;
}

/** A catalogued code and the message it is answered with; the status comes from the catalogue. */
type ErrorEntry = readonly [code: ErrorCode, message: string];

/**
 * The HTTP layer's own refusals, before any route runs (the router, Node's parser, the body decoders), answered in
 * the same body with codes as stable as every other.
 */
export const HTTP_LAYER_ERRORS = {
  routeNotFound: ['ROUTE_NOT_FOUND', 'No such route'],
  methodNotAllowed: ['METHOD_NOT_ALLOWED', 'This route does not answer this method'],
  uriTooLong: ['URI_TOO_LONG', 'The URL is longer than the service accepts'],
  headersTooLarge: ['HEADERS_TOO_LARGE', 'The request line and headers are larger than the service accepts'],
  malformedUrl: ['MALFORMED_URL', 'The URL holds an invalid percent-encoding'],
  malformedRequest: ['MALFORMED_REQUEST', 'The request is not valid HTTP'],
  requestTimeout: ['REQUEST_TIMEOUT', 'The request did not arrive in time'],
} as const satisfies Record<string, ErrorEntry>;

export function layerError([code, message]: ErrorEntry, details: ErrorDetail[] = []): MappedError {
  return { status: statusOf(code), body: errorBody(code, message, details) };
}

/** Fastify's own errors (raised before a route handler runs), by their stable FST_* codes. */
const FASTIFY_ERRORS: Record<string, ErrorEntry> = {
  FST_ERR_BAD_URL: HTTP_LAYER_ERRORS.malformedUrl,
  FST_ERR_MAX_PARAM_LENGTH: HTTP_LAYER_ERRORS.uriTooLong,
  FST_ERR_CTP_BODY_TOO_LARGE: ['REQUEST_TOO_LARGE', 'The request body is larger than the configured limit'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'Send application/json (or application/x-ndjson for batches)'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['EMPTY_BODY', 'The request body is empty'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['INVALID_CONTENT_LENGTH', 'Content-Length does not match the body'],
  FST_ERR_CTP_INVALID_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'The Content-Type header is invalid'],
  FST_ERR_CTP_EMPTY_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'The Content-Type header is missing'],
};

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'REQUEST_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  503: 'NOT_READY',
};

export function errorBody(code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** Maps anything thrown while serving a request to a status and the error body; undefined means a server fault. */
export function mapError(error: unknown): MappedError | undefined {
  if (error instanceof AppError) return { status: error.status, body: errorBody(error.code, error.message, error.details) };
  if (error instanceof HttpException) return fromHttpException(error);
  const fst = error as { code?: unknown; statusCode?: unknown; message?: string };
  if (typeof fst.code === 'string' && Object.hasOwn(FASTIFY_ERRORS, fst.code)) return layerError(FASTIFY_ERRORS[fst.code]);
  if (typeof fst.statusCode === 'number' && fst.statusCode >= 400 && fst.statusCode < 500) {
    return { status: fst.statusCode, body: errorBody(STATUS_CODES[fst.statusCode] ?? 'BAD_REQUEST', 'The request was rejected') };
  }
  return undefined;
}

function fromHttpException(error: HttpException): MappedError {
  const status = error.getStatus();
  const response = error.getResponse();
  if (status === 404) return layerError(HTTP_LAYER_ERRORS.routeNotFound);
  const messages = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
  const details = (Array.isArray(messages) ? messages : []).map((m) => ({ message: String(m) }));
  const code = status === 400 && details.length > 0 ? 'VALIDATION_FAILED' : (STATUS_CODES[status] ?? 'ERROR');
  const message = typeof messages === 'string' ? messages : error.message;
  return { status: status >= 500 ? 503 : status, body: errorBody(code, message, details) };
}
