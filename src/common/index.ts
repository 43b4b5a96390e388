export * from './app-error';
export { RequireScope } from './require-scope.decorator';
export { validateBody } from './validate-body';
export { IdentityRefDto } from './identity-ref.dto';
export { ApiErrors } from './api-errors.decorator';
export { createLogger } from './logger';
export { JSON_TYPE, MalformedLine, NDJSON_TYPE } from './body-parsers';
export { checkPayload } from './payload-rules';
export { isErrorCode, statusOf } from './error-codes';
