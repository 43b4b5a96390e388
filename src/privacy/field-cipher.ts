import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomFillSync } from 'node:crypto';

/**
 * AES-256-GCM over one personal field. The sealed form is one string,
 * `enc1:<subjectId>:<iv>:<ciphertext+tag>` (base64url), so decryption finds the key from the value alone and the
 * subject id is bound to the ciphertext as additional data (a value copied under another subject fails to open).
 */
export const SEALED_PREFIX = 'enc1:';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The subject id of an identity: the same keyed hash its stream name carries, so no raw value names a key. */
export { subjectIdOf } from '../identity';

export function newSubjectKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * `deterministic`: the IV is derived from the key and the value (a synthetic IV), so one value of one subject always
 * seals to the same string. Used for identity values: what that reveals (the same identity in several items) the
 * subject stream names and the item index show anyway, and it lets readers and writers cache the sealed form, which
 * takes the cipher off the hot path. Attributes and event data always get a random IV.
 */
export function sealString(subjectId: string, key: Buffer, plain: string, deterministic = false): string {
  const iv = deterministic ? createHmac('sha256', key).update(plain, 'utf8').digest().subarray(0, IV_BYTES) : randomIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(subjectId, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_PREFIX}${subjectId}:${iv.toString('base64url')}:${body.toString('base64url')}`;
}

/**
 * Random IVs are cut from a pool filled by the CSPRNG 1,024 at a time: randomBytes(12) per field cost more than
 * the field's encryption (a call into the CSPRNG and a fresh buffer each, 1.5 % of batch ingest). Each IV is handed
 * out once (the cursor only moves forward; the pool is refilled, not rewound), and an IV is no secret: the sealed
 * form carries it. Used synchronously, before the next call can refill the pool under it.
 */
const ivPool = Buffer.alloc(IV_BYTES * 1024);
let ivCursor = ivPool.length;

function randomIv(): Buffer {
  if (ivCursor + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivCursor = 0;
  }
  const iv = ivPool.subarray(ivCursor, ivCursor + IV_BYTES);
  ivCursor += IV_BYTES;
  return iv;
}

/** The subject id a sealed value belongs to, or undefined when the value is not in the sealed form. */
export function sealedSubjectOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(SEALED_PREFIX)) return undefined;
  const end = value.indexOf(':', SEALED_PREFIX.length);
  return end < 0 ? undefined : value.slice(SEALED_PREFIX.length, end);
}

export class SealedValueError extends Error {}

export function openString(sealed: string, key: Buffer): string {
  const parts = sealed.slice(SEALED_PREFIX.length).split(':');
  if (parts.length !== 3) throw new SealedValueError('Not a sealed value');
  const [subjectId, iv, body] = parts;
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length < TAG_BYTES) throw new SealedValueError('Sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(subjectId, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
