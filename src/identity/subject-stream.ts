import { createHmac } from 'node:crypto';
import { identityKey, IdentityRef } from '../../projections/model';

/**
 * The stream of a subject, named by a keyed hash of its (normalised) identity: stream names end up in indexes,
 * logs and URLs of the store's own tools, so they must never carry the raw value (PII). Keyed, so nobody without
 * the key can confirm a guessed e-mail address by hashing it.
 */
export function subjectStream(hashKey: string, identity: IdentityRef): string {
  return subjectStreamOf(subjectIdOf(hashKey, identity));
}

/** The subject an identity names: the owner of its stream and of the key its personal fields are sealed with. */
export function subjectIdOf(hashKey: string, identity: IdentityRef): string {
  return createHmac('sha256', hashKey).update(identityKey(identity)).digest('hex');
}

const PREFIX = 'subject-';

/** The stream named by a subject id (the keyed hash above, or the log seal's cached copy of it). */
export function subjectStreamOf(subjectId: string): string {
  return `${PREFIX}${subjectId}`;
}

/** The subject id a subject stream is named by: the owner of the items it holds; undefined for any other stream. */
export function subjectIdOfStream(stream: string): string | undefined {
  return stream.startsWith(PREFIX) ? stream.slice(PREFIX.length) : undefined;
}
