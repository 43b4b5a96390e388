import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { AppError } from './app-error';
import { mapError } from './error-body';

describe('mapError', () => {
  it('keeps an AppError as it is', () => {
    const error = new AppError('UNKNOWN_NAMESPACE', 422, 'Namespace X is not registered', [{ path: 'identities[0]', message: 'x' }]);
    expect(mapError(error)).toEqual({
      status: 422,
      body: { error: { code: 'UNKNOWN_NAMESPACE', message: 'Namespace X is not registered', details: [{ path: 'identities[0]', message: 'x' }] } },
    });
  });

  it.each([
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'REQUEST_TOO_LARGE'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'EMPTY_BODY'],
    ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'INVALID_CONTENT_LENGTH'],
  ])('maps fastify %s to %i %s', (code, status, ours) => {
    const error = Object.assign(new Error('fastify says no'), { code, statusCode: status });
    expect(mapError(error)).toMatchObject({ status, body: { error: { code: ours } } });
  });

  it('maps an unknown fastify client error by its status', () => {
    const error = Object.assign(new Error('odd'), { code: 'FST_ERR_SOMETHING_NEW', statusCode: 400 });
    expect(mapError(error)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
  });

  it('maps Nest exceptions: 404 to ROUTE_NOT_FOUND, ValidationPipe messages to VALIDATION_FAILED details', () => {
    expect(mapError(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, body: { error: { code: 'ROUTE_NOT_FOUND' } } });
    expect(mapError(new BadRequestException(['limit must be an integer']))).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [{ message: 'limit must be an integer' }] } },
    });
    expect(mapError(new PayloadTooLargeException())).toMatchObject({ status: 413, body: { error: { code: 'REQUEST_TOO_LARGE' } } });
  });

  it('leaves anything else to the caller as a server fault', () => {
    expect(mapError(new TypeError('x is undefined'))).toBeUndefined();
    expect(mapError(Object.assign(new Error('boom'), { statusCode: 500 }))).toBeUndefined();
  });
});
