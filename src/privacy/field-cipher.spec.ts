import { newSubjectKey, openString, sealedSubjectOf, sealString, subjectIdOf } from './field-cipher';
import { CipherCache } from './cipher-cache';
import { SubjectCipher } from './subject-cipher';

const subject = subjectIdOf('k'.repeat(32), { namespace: 'Email', id: 'tom@acme.com' });

describe('field cipher (AES-256-GCM per field)', () => {
  it('round-trips unicode and names its subject, never the value', () => {
    const key = newSubjectKey();
    const sealed = sealString(subject, key, 'Zoë +1 / ünïcode 😀');
    expect(sealed).toMatch(/^enc1:[0-9a-f]{64}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    // Not a plain encoding: random ciphertext may spell "Zo", but never the value's own base64url.
    expect(sealed).not.toContain(Buffer.from('Zoë +1 / ünïcode').toString('base64url').slice(0, 12));
    expect(sealedSubjectOf(sealed)).toBe(subject);
    expect(openString(sealed, key)).toBe('Zoë +1 / ünïcode 😀');
  });

  it('uses a fresh IV per field: the same value seals differently each time', () => {
    const key = newSubjectKey();
    expect(sealString(subject, key, 'same')).not.toBe(sealString(subject, key, 'same'));
  });

  it('refuses another key and a value moved under another subject', () => {
    const sealed = sealString(subject, newSubjectKey(), 'x');
    expect(() => openString(sealed, newSubjectKey())).toThrow();
    const key = newSubjectKey();
    const moved = sealString(subject, key, 'x').replace(subject, 'f'.repeat(64));
    expect(() => openString(moved, key)).toThrow();
  });

  it('seals identity values deterministically (cacheable), other values with a random IV', () => {
    const key = newSubjectKey();
    const cipher = new SubjectCipher('k'.repeat(32), new Map([[subject, key]]), new CipherCache());
    expect(sealString(subject, key, 'tom', true)).toBe(sealString(subject, key, 'tom', true));
    expect(sealString(subject, key, 'tom', true)).not.toBe(sealString(subject, newSubjectKey(), 'tom', true));
    expect(cipher.seal(subject, 'tom@acme.com')).toBe(cipher.seal(subject, 'tom@acme.com'));
    expect(cipher.seal(subject, { a: 1 })).not.toBe(cipher.seal(subject, { a: 1 }));
  });

  it('never serves a cached value once the key is gone or replaced', () => {
    const key = newSubjectKey();
    const cache = new CipherCache();
    const sealed = new SubjectCipher('k'.repeat(32), new Map([[subject, key]]), cache).seal(subject, 'tom@acme.com');
    expect(new SubjectCipher('k'.repeat(32), new Map([[subject, key]]), cache).open(sealed)).toEqual({ value: 'tom@acme.com' });
    expect(new SubjectCipher('k'.repeat(32), new Map(), cache).open(sealed)).toBeUndefined();
    expect(new SubjectCipher('k'.repeat(32), new Map([[subject, newSubjectKey()]]), cache).open(sealed)).toBeUndefined();
  });

  it('reads a value whose key is gone, or was replaced by a new one, as erased', () => {
    const key = newSubjectKey();
    const sealed = new SubjectCipher('k'.repeat(32), new Map([[subject, key]]), new CipherCache()).seal(subject, { a: 1 });
    expect(new SubjectCipher('k'.repeat(32), new Map([[subject, key]]), new CipherCache()).open(sealed)).toEqual({ value: { a: 1 } });
    expect(new SubjectCipher('k'.repeat(32), new Map(), new CipherCache()).open(sealed)).toBeUndefined();
    expect(new SubjectCipher('k'.repeat(32), new Map([[subject, newSubjectKey()]]), new CipherCache()).open(sealed)).toBeUndefined();
  });
});

describe('random IVs', () => {
  it('never hands out one IV twice, across refills of the pool', () => {
    const key = newSubjectKey();
    const ivs = new Set<string>();
    const count = 5000; // several refills of the 1,024-IV pool
    for (let i = 0; i < count; i++) ivs.add(sealString(subject, key, 'same').split(':')[2]);
    expect(ivs.size).toBe(count);
  });
});
