import type { IdentityRef } from '../../projections/model';
import type { FieldCipher } from '../events';
import { openString, sealedSubjectOf, sealString, SEALED_PREFIX, subjectIdOf } from './field-cipher';
import type { CipherCache } from './cipher-cache';

/**
 * The field map's cipher over a set of keys fetched beforehand (the field map runs synchronously). A value whose key
 * is absent, or that does not authenticate under the present key (the subject was erased and later seen again,
 * with a new key), reads as erased. Identity values are sealed deterministically and cached both ways (cache
 * entries remember the key they were made with, so a changed or missing key never serves a cached value).
 */
export class SubjectCipher implements FieldCipher {
  constructor(
    private readonly hashKey: string,
    private readonly keys: Map<string, Buffer>,
    private readonly cache: CipherCache,
  ) {}

  subjectOf(identity: IdentityRef): string {
    const cacheKey = `${identity.namespace}:${identity.id}`;
    let subject = this.cache.subjects.get(cacheKey);
    if (subject === undefined) {
      subject = subjectIdOf(this.hashKey, identity);
      this.cache.subjects.set(cacheKey, subject);
    }
    return subject;
  }

  seal(subjectId: string, value: unknown): string {
    const key = this.keys.get(subjectId);
    if (!key) throw new Error('No key fetched for a subject being sealed');
    if (typeof value !== 'string') return sealString(subjectId, key, JSON.stringify(value));
    const cacheKey = `${subjectId}:${value}`;
    const cached = this.cache.sealed.get(cacheKey);
    if (cached && cached.key.equals(key)) return cached.text;
    const text = sealString(subjectId, key, JSON.stringify(value), true);
    this.cache.sealed.set(cacheKey, { text, key });
    return text;
  }

  open(sealed: string): { value: unknown } | undefined {
    const subject = sealedSubjectOf(sealed);
    const key = subject === undefined ? undefined : this.keys.get(subject);
    if (!key) return undefined;
    const cached = this.cache.opened.get(sealed);
    if (cached && cached.key.equals(key)) return { value: cached.value };
    try {
      const value = JSON.parse(openString(sealed, key)) as unknown;
      if (typeof value === 'string') this.cache.opened.set(sealed, { value, key });
      return { value };
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
