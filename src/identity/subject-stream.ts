import { createHmac } from 'node:crypto';
import { identityKey, IdentityRef } from '../../projections/model';

/**
 * The stream of a subject, named by a keyed hash of its (normalised) identity: stream names end up in indexes,
 * logs and URLs of the store's own tools, so they must never carry the raw value (PII). Keyed, so nobody without
 * the key can confirm a guessed e-mail address by hashing it.
 */
export const SUBJECT_STREAM_PREFIX = 'subject-';

export function subjectStream(hashKey: string, identity: IdentityRef): string {
  return `${SUBJECT_STREAM_PREFIX}${createHmac('sha256', hashKey).update(identityKey(identity)).digest('hex')}`;
}
