import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../common';
import type { SegmentWriteKey } from '../config';

/**
 * Segment write keys (SEGMENT_WRITE_KEYS): HTTP Basic with the key as user name (the password is ignored, as
 * Segment does), else `writeKey` in the body. A key names the source its items are stored under and grants
 * nothing else. Compared by digest in constant time, like API keys.
 */
export class WriteKeys {
  private readonly keys: Array<{ digest: Buffer; source: string }>;

  constructor(keys: SegmentWriteKey[]) {
    this.keys = keys.map((k) => ({ digest: digest(k.key), source: k.source }));
  }

  /** The source of the presented key; a Basic header that names an unknown key is refused, not passed over. */
  sourceOf(authorization: string | undefined, body: unknown): string {
    const basic = basicUser(authorization);
    const presented = basic ?? bodyKey(body);
    const source = presented === undefined ? undefined : this.find(digest(presented));
    if (source !== undefined) return source;
    throw new AppError(
      'UNAUTHENTICATED',
      401,
      presented === undefined
        ? 'Send a Segment write key: HTTP Basic with the key as user name, or "writeKey" in the body'
        : 'Unknown Segment write key',
    );
  }

  /** Refuses a Basic header naming an unknown key before the body is read (a body key is checked once parsed). */
  refuseUnknownBasic(authorization: string | undefined): void {
    const basic = basicUser(authorization);
    if (basic !== undefined && this.find(digest(basic)) === undefined) throw new AppError('UNAUTHENTICATED', 401, 'Unknown Segment write key');
  }

  private find(presented: Buffer): string | undefined {
    let found: string | undefined;
    for (const key of this.keys) if (timingSafeEqual(key.digest, presented)) found = key.source;
    return found;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function basicUser(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(0, colon);
}

function bodyKey(body: unknown): string | undefined {
  const key = body !== null && typeof body === 'object' ? (body as { writeKey?: unknown }).writeKey : undefined;
  return typeof key === 'string' ? key : undefined;
}
