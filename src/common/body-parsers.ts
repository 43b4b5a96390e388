import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, type BrotliOptions, type ZlibOptions } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, appError, badRequest } from './app-error';

/**
 * Our own body parsers, replacing fastify's: bodies are decoded as strict UTF-8 (invalid bytes are a 400, not
 * silently replaced by U+FFFD), JSON errors carry our codes, and NDJSON becomes an array whose malformed lines are
 * MalformedLine values, so a batch reports each bad line on its own instead of failing the whole request.
 * Every other content type is a 415 (fastify's FST_ERR_CTP_INVALID_MEDIA_TYPE). A Content-Encoding is undone first;
 * one the service does not know is a 415, a body that does not decode as it says a 400.
 */
export const JSON_TYPE = 'application/json';
export const NDJSON_TYPE = 'application/x-ndjson';

export class MalformedLine {
  constructor(readonly error: AppError) {}
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(body: Buffer): string {
  try {
    return decoder.decode(body);
  } catch {
    throw badRequest('INVALID_UTF8', 'The body is not valid UTF-8');
  }
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw badRequest('EMPTY_BODY', 'The request body is empty');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('MALFORMED_JSON', 'The body is not valid JSON');
  }
}

export function parseNdjson(text: string): unknown[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) throw badRequest('EMPTY_BODY', 'The request body is empty');
  return lines.map((line) => {
    try {
      return JSON.parse(line);
    } catch {
      return new MalformedLine(badRequest('MALFORMED_JSON', 'This line is not valid JSON'));
    }
  });
}

const ENCODINGS: Record<string, (body: Buffer, options: ZlibOptions & BrotliOptions) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/**
 * The body as sent before its Content-Encoding (gzip, deflate or br). It inflates to at most `limit` bytes, the
 * request limit, so a small bomb costs no more than a large plain body: beyond it, 413.
 */
export async function decodeContentEncoding(body: Buffer, header: string, limit: number): Promise<Buffer> {
  const encoding = header.trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return body;
  const decode = Object.hasOwn(ENCODINGS, encoding) ? ENCODINGS[encoding] : undefined;
  if (!decode) throw appError('UNSUPPORTED_CONTENT_ENCODING', 'Send the body as is, or with Content-Encoding gzip, deflate or br');
  try {
    return await decode(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw appError('REQUEST_TOO_LARGE', `The request body inflates to more than ${limit} bytes`);
    }
    throw badRequest('MALFORMED_BODY_ENCODING', `The body is not valid ${encoding} data`);
  }
}

type Done = (err: Error | null, body?: unknown) => void;

export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  const finish = (done: Done, parse: (text: string) => unknown, body: Buffer) => {
    try {
      done(null, parse(decodeUtf8(body)));
    } catch (error) {
      done(error as Error);
    }
  };
  const parser = (parse: (text: string) => unknown) => (request: FastifyRequest, body: Buffer, done: Done) => {
    const encoding = request.headers['content-encoding'];
    // The common case (no encoding) stays synchronous: the ingest path parses every body.
    if (encoding === undefined) return finish(done, parse, body);
    decodeContentEncoding(body, encoding, bodyLimit).then((decoded) => finish(done, parse, decoded), done);
  };
  fastify.addContentTypeParser(JSON_TYPE, { parseAs: 'buffer', bodyLimit }, parser(parseJson));
  fastify.addContentTypeParser(NDJSON_TYPE, { parseAs: 'buffer', bodyLimit }, parser(parseNdjson));
}
