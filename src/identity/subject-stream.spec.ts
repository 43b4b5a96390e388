import { subjectStream } from './subject-stream';

describe('subjectStream', () => {
  it('names a stream by a keyed hash that never holds the raw value', () => {
    const stream = subjectStream('k'.repeat(32), { namespace: 'Email', id: 'tom@acme.com' });
    expect(stream).toMatch(/^subject-[0-9a-f]{64}$/);
    expect(stream).not.toContain('tom');
  });
  it('depends on the key and on the identity', () => {
    const id = { namespace: 'Email', id: 'tom@acme.com' };
    expect(subjectStream('a'.repeat(32), id)).not.toBe(subjectStream('b'.repeat(32), id));
    expect(subjectStream('a'.repeat(32), id)).not.toBe(subjectStream('a'.repeat(32), { ...id, namespace: 'Other' }));
  });
});
