/**
 * Errors are values with names: every failure a client can cause carries a stable code and the HTTP status it maps
 * to. One exception filter (src/common/http-error.filter.ts) turns them into the API's error body; adapters translate
 * vendor errors into these inside themselves, once.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export interface ErrorDetail {
  path?: string;
  code?: string;
  message: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  constructor(
    /** UPPER_SNAKE, stable across releases: clients switch on it. */
    readonly code: string,
    readonly status: ErrorStatus,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: ErrorDetail[]) =>
  new AppError(code, 400, message, details);
export const unprocessable = (code: string, message: string, details?: ErrorDetail[]) =>
  new AppError(code, 422, message, details);
export const notFound = (code: string, message: string) => new AppError(code, 404, message);
export const conflict = (code: string, message: string, details?: ErrorDetail[]) =>
  new AppError(code, 409, message, details);
export const unavailable = (code: string, message: string) => new AppError(code, 503, message);

/** The concurrency conflict every event store adapter reports in its own words; translated to this one. */
export class WrongExpectedRevisionError extends AppError {
  constructor(
    readonly stream: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super('STREAM_REVISION_CONFLICT', 409, `Stream ${stream} is at revision ${actual}, expected ${expected}`);
  }
}
