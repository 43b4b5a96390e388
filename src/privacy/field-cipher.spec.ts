import { newSubjectKey, openString, sealedSubjectOf, sealString, subjectIdOf } from './field-cipher';
import { SubjectCipher } from './subject-cipher';

const subject = subjectIdOf('k'.repeat(32), { namespace: 'Email', id: 'tom@acme.com' });

describe('field cipher (AES-256-GCM per field)', () => {
  it('round-trips unicode and names its subject, never the value', () => {
    const key = newSubjectKey();
    const sealed = sealString(subject, key, 'Zoë +1 / ünïcode 😀');
    expect(sealed).toMatch(/^enc1:[0-9a-f]{64}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('Zo');
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

  it('reads a value whose key is gone, or was replaced by a new one, as erased', () => {
    const key = newSubjectKey();
    const sealed = new SubjectCipher('k'.repeat(32), new Map([[subject, key]])).seal(subject, { a: 1 });
    expect(new SubjectCipher('k'.repeat(32), new Map([[subject, key]])).open(sealed)).toEqual({ value: { a: 1 } });
    expect(new SubjectCipher('k'.repeat(32), new Map()).open(sealed)).toBeUndefined();
    expect(new SubjectCipher('k'.repeat(32), new Map([[subject, newSubjectKey()]])).open(sealed)).toBeUndefined();
  });
});
