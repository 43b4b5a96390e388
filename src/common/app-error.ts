import { isErrorCode, statusOf, type ErrorCode, type ErrorCodeWithStatus, type ErrorStatus } from './error-codes';

/**
 * Errors are values with names: every failure a client can cause carries a stable code from the catalogue
 * (error-codes.ts), which gives the HTTP status it maps to. One exception filter (src/common/http-error.filter.ts)
 * turns them into the API's error body; adapters translate vendor errors into these inside themselves, once.
 */
export type { ErrorCode, ErrorCodeWithStatus, ErrorStatus } from './error-codes';

export interface ErrorDetail {
  path?: string;
  code?: string;
  message: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  /** From the catalogue: one code, one status. */
  readonly status: ErrorStatus;
  readonly details: ErrorDetail[];

  /**
   * `new AppError(code, message, details?)`. The older form with a status in second place is still taken while
   * callers move over; the catalogue's status wins, and error-codes.spec.ts checks the two agree wherever it is used.
   */
  constructor(code: ErrorCode, message: string, details?: ErrorDetail[]);
  constructor(code: ErrorCode, status: ErrorStatus, message: string, details?: ErrorDetail[]);
  constructor(
    /** UPPER_SNAKE, stable across releases: clients switch on it. */
    readonly code: ErrorCode,
    statusOrMessage: ErrorStatus | string,
    messageOrDetails?: string | ErrorDetail[],
    details: ErrorDetail[] = [],
  ) {
    const legacy = typeof statusOrMessage === 'number';
    super(legacy ? (messageOrDetails as string) : statusOrMessage);
    this.name = 'AppError';
    // A code only a cast can bring here (not in the catalogue) keeps the status written beside it, or is a fault.
    this.status = isErrorCode(code) ? statusOf(code) : legacy ? statusOrMessage : 500;
    this.details = legacy ? details : ((messageOrDetails as ErrorDetail[] | undefined) ?? []);
  }
}

/** The error for a catalogued code; its status comes from the catalogue. */
export const appError = (code: ErrorCode, message: string, details?: ErrorDetail[]) => new AppError(code, message, details);

export const badRequest = (code: ErrorCodeWithStatus<400>, message: string, details?: ErrorDetail[]) => appError(code, message, details);
export const unprocessable = (code: ErrorCodeWithStatus<422>, message: string, details?: ErrorDetail[]) =>
  appError(code, message, details);
export const notFound = (code: ErrorCodeWithStatus<404>, message: string) => appError(code, message);
export const conflict = (code: ErrorCodeWithStatus<409>, message: string, details?: ErrorDetail[]) => appError(code, message, details);
export const unavailable = (code: ErrorCodeWithStatus<503>, message: string) => appError(code, message);

/** The concurrency conflict every event store adapter reports in its own words; translated to this one. */
export class WrongExpectedRevisionError extends AppError {
  constructor(
    readonly stream: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super('STREAM_REVISION_CONFLICT', `Stream ${stream} is at revision ${actual}, expected ${expected}`);
  }
}
