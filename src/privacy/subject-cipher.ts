import type { IdentityRef } from '../../projections/model';
import type { FieldCipher } from '../events/personal-fields';
import { openString, sealedSubjectOf, sealString, SEALED_PREFIX, subjectIdOf } from './field-cipher';

/**
 * The field map's cipher over a set of keys fetched beforehand (the field map runs synchronously). A value whose key
 * is absent, or that does not authenticate under the present key (the subject was erased and later seen again,
 * with a new key), reads as erased.
 */
export class SubjectCipher implements FieldCipher {
  private readonly subjects = new Map<string, string>();

  constructor(
    private readonly hashKey: string,
    private readonly keys: Map<string, Buffer>,
  ) {}

  subjectOf(identity: IdentityRef): string {
    const cacheKey = `${identity.namespace}\u0000${identity.id}`;
    let subject = this.subjects.get(cacheKey);
    if (subject === undefined) {
      subject = subjectIdOf(this.hashKey, identity);
      this.subjects.set(cacheKey, subject);
    }
    return subject;
  }

  seal(subjectId: string, value: unknown): string {
    const key = this.keys.get(subjectId);
    if (!key) throw new Error('No key fetched for a subject being sealed');
    return sealString(subjectId, key, JSON.stringify(value));
  }

  open(sealed: string): { value: unknown } | undefined {
    const subject = sealedSubjectOf(sealed);
    const key = subject === undefined ? undefined : this.keys.get(subject);
    if (!key) return undefined;
    try {
      return { value: JSON.parse(openString(sealed, key)) };
    } catch {
      return undefined;
    }
  }

  isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
  }

  subjectOfSealed(sealed: string): string | undefined {
    return sealedSubjectOf(sealed);
  }

  hasKey(subjectId: string): boolean {
    return this.keys.has(subjectId);
  }
}
