import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, badRequest } from './app-error';

/**
 * Our own body parsers, replacing fastify's: bodies are decoded as strict UTF-8 (invalid bytes are a 400, not
 * silently replaced by U+FFFD), JSON errors carry our codes, and NDJSON becomes an array whose malformed lines are
 * MalformedLine values, so a batch reports each bad line on its own instead of failing the whole request.
 * Every other content type is a 415 (fastify's FST_ERR_CTP_INVALID_MEDIA_TYPE).
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

export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  const parser = (parse: (text: string) => unknown) =>
    (_req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
      try {
        done(null, parse(decodeUtf8(body)));
      } catch (error) {
        done(error as Error);
      }
    };
  fastify.addContentTypeParser(JSON_TYPE, { parseAs: 'buffer', bodyLimit }, parser(parseJson));
  fastify.addContentTypeParser(NDJSON_TYPE, { parseAs: 'buffer', bodyLimit }, parser(parseNdjson));
}
