import { HttpException } from '@nestjs/common';
import { AppError, ErrorDetail } from './app-error';

/** The API's one error shape (API.md "Conventions"). */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

export interface MappedError {
  status: number;
  body: ErrorBody;
}

/** Fastify's own errors (raised before a route handler runs), by their stable FST_* codes. */
const FASTIFY_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'REQUEST_TOO_LARGE', 'The request body is larger than the configured limit'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'Send application/json (or application/x-ndjson for batches)'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'EMPTY_BODY', 'The request body is empty'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'INVALID_CONTENT_LENGTH', 'Content-Length does not match the body'],
  FST_ERR_CTP_INVALID_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'The Content-Type header is invalid'],
  FST_ERR_CTP_EMPTY_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'The Content-Type header is missing'],
};

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'REQUEST_TOO_LARGE',
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
  if (typeof fst.code === 'string' && FASTIFY_ERRORS[fst.code]) {
    const [status, code, message] = FASTIFY_ERRORS[fst.code];
    return { status, body: errorBody(code, message) };
  }
  if (typeof fst.statusCode === 'number' && fst.statusCode >= 400 && fst.statusCode < 500) {
    return { status: fst.statusCode, body: errorBody(STATUS_CODES[fst.statusCode] ?? 'BAD_REQUEST', 'The request was rejected') };
  }
  return undefined;
}

function fromHttpException(error: HttpException): MappedError {
  const status = error.getStatus();
  const response = error.getResponse();
  if (status === 404) return { status, body: errorBody('ROUTE_NOT_FOUND', 'No such route') };
  const messages = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
  const details = (Array.isArray(messages) ? messages : []).map((m) => ({ message: String(m) }));
  const code = status === 400 && details.length > 0 ? 'VALIDATION_FAILED' : (STATUS_CODES[status] ?? 'ERROR');
  const message = typeof messages === 'string' ? messages : error.message;
  return { status: status >= 500 ? 503 : status, body: errorBody(code, message, details) };
}
