import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, badRequest } from '../common';
import type { WriteKeys } from './write-keys';

/**
 * How bodies reach the Segment routes. SDKs send JSON under any content type (the browser library says text/plain
 * so that no CORS preflight is needed; RudderStack's sends gzip as application/x-www-form-urlencoded), so for these
 * routes only, the body is read here, inflated when it is gzip (by header or by its magic bytes), and handed on as
 * application/json to the service's one JSON parser (strict UTF-8, our error codes). Every other route keeps its
 * content-type rules.
 */

/** Segment's limit for one request (the batch endpoint's 500 KB), applied to the body once inflated. */
export const MAX_SEGMENT_BODY_BYTES = 500 * 1024;
// A gzip body is never much larger than what it inflates to; a bigger one is refused before inflating.
const MAX_COMPRESSED_BYTES = MAX_SEGMENT_BODY_BYTES + 1024;

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export function registerSegmentBodies(fastify: FastifyInstance, routes: ReadonlySet<string>, writeKeys: WriteKeys): void {
  const ours = (request: FastifyRequest) => routes.has(request.routeOptions.url ?? '');
  fastify.addHook('onRequest', (request, reply, done) => {
    // Write-only routes answering {"success"}: letting any page read that answer exposes nothing (see README).
    if (ours(request)) void reply.header('access-control-allow-origin', '*');
    done();
  });
  fastify.addHook('preParsing', async (request, reply, payload) => {
    if (!ours(request) || request.method !== 'POST') return payload;
    // A caller with a wrong key costs no body read and no inflating.
    writeKeys.refuseUnknownBasic(request.headers.authorization);
    const body = await decodeBody(await readCapped(payload as Readable, reply), request.headers['content-encoding']);
    // Already inflated: the JSON parser must not decode it again.
    request.headers = { 'content-type': 'application/json', 'content-length': String(body.length), 'content-encoding': 'identity' };
    return Readable.from([body]);
  });
}

/**
 * Reads the body up to the cap. Past it, it stops listening (the stream is not destroyed, so the 413 still reaches
 * the client) and asks for the connection to close, so the unread rest is not parsed as the next request.
 */
function readCapped(payload: Readable, reply: FastifyReply): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      payload.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_COMPRESSED_BYTES) return void chunks.push(chunk);
      stop();
      void reply.header('connection', 'close');
      reject(tooLarge());
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    payload.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** Inflates gzip/deflate bodies, stopping at the limit: a gzip bomb costs us at most MAX_SEGMENT_BODY_BYTES. */
export async function decodeBody(raw: Buffer, encodingHeader: string | string[] | undefined): Promise<Buffer> {
  const encoding = String(encodingHeader ?? 'identity').trim().toLowerCase();
  const gzipped = encoding === 'gzip' || encoding === 'x-gzip' || (raw[0] === 0x1f && raw[1] === 0x8b);
  if (!gzipped && encoding !== 'identity' && encoding !== 'deflate') {
    throw new AppError('UNSUPPORTED_CONTENT_ENCODING', 415, 'Send the body as is or gzip-encoded (Content-Encoding: gzip)');
  }
  if (!gzipped && encoding === 'identity') {
    if (raw.length > MAX_SEGMENT_BODY_BYTES) throw tooLarge();
    return raw;
  }
  try {
    return await (gzipped ? gunzipAsync : inflateAsync)(raw, { maxOutputLength: MAX_SEGMENT_BODY_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw badRequest('MALFORMED_BODY_ENCODING', `The body is not valid ${gzipped ? 'gzip' : 'deflate'} data`);
  }
}

function tooLarge(): AppError {
  return new AppError('REQUEST_TOO_LARGE', 413, `A Segment request holds at most ${MAX_SEGMENT_BODY_BYTES} bytes of JSON (after inflating)`);
}
