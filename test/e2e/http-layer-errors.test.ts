import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { MAX_HEADER_BYTES, MAX_PATH_PARAM_LENGTH } from '../../src/common/http-layer-errors';
import { rawHttp, rawRequest } from '../support/raw-http';
import { startTestApp, type TestApp } from './tessera-app';

/**
 * Every refusal of the HTTP layer itself (router, Node's parser, body decoding) answers the API's error body
 * `{"error": {"code", "message", "details"}}` with a stable code, never fastify's or Node's own.
 */
const REQUEST_LIMIT = 64 * 1024;
const EVENT = { id: 'e-1', source: 'web', type: 'view', timestamp: '2026-01-01T00:00:00Z', identities: [{ namespace: 'ECID', id: 'c' }] };

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ MAX_REQUEST_BYTES: String(REQUEST_LIMIT) });
});
afterAll(() => app.close());

function expectError(reply: { status: number; body: unknown }, status: number, code: string): void {
  const error = (reply.body as { error?: Record<string, unknown> })?.error;
  expect({ status: reply.status, code: error?.code, keys: Object.keys(error ?? {}) }).toEqual({ status, code, keys: ['code', 'message', 'details'] });
  expect(typeof error?.message).toBe('string');
  expect(Array.isArray(error?.details)).toBe(true);
}

const send = (path: string, method: string, body: string | Uint8Array, headers: Record<string, string>) =>
  fetch(`${app.url}${path}`, { method, body, headers }).then(async (res) => ({ status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> })); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('routing', () => {
  it.each([
    ['GET', '/v1/nothing-here'],
    ['POST', '/nothing'],
    ['GET', '/v1/profiles/Email/x/nothing'],
  ])('%s %s → 404 ROUTE_NOT_FOUND', async (method, path) => {
    expectError(await app.call(method, path), 404, 'ROUTE_NOT_FOUND');
  });

  it.each([
    ['DELETE', '/v1/records', 'POST'],
    ['GET', '/v1/ingest', 'POST'],
    ['PUT', '/v1/profiles/Email/x', 'GET, HEAD'],
    ['POST', '/v1/profiles/lookup?namespace=ECID&id=x', 'GET, HEAD'],
    ['PATCH', '/v1/identity/settings', 'GET, HEAD, PUT'],
  ])('%s %s → 405 METHOD_NOT_ALLOWED, Allow: %s', async (method, path, allow) => {
    const reply = await app.call(method, path);
    expectError(reply, 405, 'METHOD_NOT_ALLOWED');
    expect(reply.headers.get('allow')).toBe(allow);
    expect(reply.body.error.details[0].allowed).toEqual(allow.split(', '));
  });
});

describe('sizes', () => {
  it('413 REQUEST_TOO_LARGE for a body over the request limit, plain or once inflated', async () => {
    const big = JSON.stringify({ ...EVENT, data: { blob: 'x'.repeat(REQUEST_LIMIT) } });
    expectError(await send('/v1/events', 'POST', big, { 'content-type': 'application/json' }), 413, 'REQUEST_TOO_LARGE');
    const bomb = gzipSync(Buffer.alloc(64 * REQUEST_LIMIT, 0x20));
    expect(bomb.length).toBeLessThan(REQUEST_LIMIT);
    expectError(await send('/v1/events', 'POST', bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 413, 'REQUEST_TOO_LARGE');
  });

  it('414 URI_TOO_LONG for a path parameter over the limit, from the router', async () => {
    // The router counts the decoded value: 'a' × 4096 percent-encoded is 12,288 characters in the URL.
    const atLimit = '%61'.repeat(MAX_PATH_PARAM_LENGTH);
    expectError(await app.call('GET', `/v1/profiles/ECID/${atLimit}`), 404, 'PROFILE_NOT_FOUND');
    expectError(await app.call('GET', `/v1/profiles/ECID/${atLimit}a`), 414, 'URI_TOO_LONG');
  });

  it('414 URI_TOO_LONG for a request line longer than Node takes, 431 HEADERS_TOO_LARGE for a header block', async () => {
    const longLine = await rawHttp(app.url, rawRequest('GET', `/v1/profiles/lookup?namespace=ECID&id=${'a'.repeat(MAX_HEADER_BYTES)}`));
    expectError(longLine, 414, 'URI_TOO_LONG');
    const bigHeaders = await rawHttp(app.url, rawRequest('GET', '/v1/profiles/ECID/x', { 'x-padding': 'p'.repeat(MAX_HEADER_BYTES) }));
    expectError(bigHeaders, 431, 'HEADERS_TOO_LARGE');
  });
});

describe('bodies', () => {
  it.each([
    ['text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/xml', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/x-www-form-urlencoded', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('Content-Type %s → %i %s', async (contentType, status, code) => {
    expectError(await send('/v1/events', 'POST', JSON.stringify(EVENT), { 'content-type': contentType }), status, code);
  });

  it.each([
    ['MALFORMED_JSON', 'truncated JSON', '{"source": '],
    ['EMPTY_BODY', 'an empty body', ''],
    ['INVALID_UTF8', 'a byte that is not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])],
  ])('400 %s for %s', async (code, _, body) => {
    expectError(await app.call('POST', '/v1/events', { raw: body, contentType: 'application/json' }), 400, code);
  });

  it.each([
    ['compress', 415, 'UNSUPPORTED_CONTENT_ENCODING', JSON.stringify(EVENT)],
    ['gzip, br', 415, 'UNSUPPORTED_CONTENT_ENCODING', JSON.stringify(EVENT)],
    ['gzip', 400, 'MALFORMED_BODY_ENCODING', JSON.stringify(EVENT)],
    ['deflate', 400, 'MALFORMED_BODY_ENCODING', 'not deflate'],
    ['br', 400, 'MALFORMED_BODY_ENCODING', gzipSync(JSON.stringify(EVENT))],
  ] as const)('Content-Encoding %s on a body that is not so → %i %s', async (encoding, status, code, body) => {
    expectError(await send('/v1/events', 'POST', body, { 'content-type': 'application/json', 'content-encoding': encoding }), status, code);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['identity', (b: Buffer) => b],
  ] as const)('takes a body sent with Content-Encoding %s', async (encoding, encode) => {
    const body = encode(Buffer.from(JSON.stringify({ ...EVENT, id: `encoded-${encoding}` })));
    const reply = await send('/v1/events', 'POST', body, { 'content-type': 'application/json', 'content-encoding': encoding });
    expect({ status: reply.status, id: reply.body.id }).toEqual({ status: 202, id: `encoded-${encoding}` });
  });
});

describe('URLs and bytes that are not HTTP', () => {
  it.each([
    ['/v1/profiles/ECID/%ff'],
    ['/v1/profiles/ECID/%E0%A4%A'],
    ['/v1/profiles/lookup?namespace=ECID&id=%ff'],
    ['/v1/profiles/ECID/x?asOf=%E2%82'],
  ])('%s → 400 MALFORMED_URL', async (path) => {
    expectError(await app.call('GET', path), 400, 'MALFORMED_URL');
  });

  it.each([
    ['a Content-Length that is not a number', 'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
    ['a method with spaces', 'G E T / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['binary noise', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03])],
    ['a header without a colon', 'GET /v1/health HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n'],
  ])('%s → 400 MALFORMED_REQUEST', async (_, bytes) => {
    expectError(await rawHttp(app.url, bytes), 400, 'MALFORMED_REQUEST');
  });

  it('still serves afterwards', async () => {
    expect((await app.call('GET', '/v1/health')).status).toBe(200);
  });
});
