import type { KeyStore } from './key-store/key-store.port';
import { SubjectKeys } from './subject-keys';

/** A key store that counts its writes; keys are one byte per subject. */
function countingStore(): { store: KeyStore; ensured: string[][] } {
  const keys = new Map<string, Buffer>([['read-first', Buffer.alloc(32, 5)]]);
  const ensured: string[][] = [];
  const store: Partial<KeyStore> = {
    ensureKeys: async (ids, create) => {
      ensured.push(ids);
      ids.forEach((id) => keys.has(id) || keys.set(id, create()));
      return new Map(ids.map((id) => [id, keys.get(id)!]));
    },
    getKeys: async (ids) => new Map(ids.filter((id) => keys.has(id)).map((id) => [id, keys.get(id)!])),
  };
  return { store: store as KeyStore, ensured };
}

describe('SubjectKeys', () => {
  it('seals with a key it only read after the store has made it durable, once', async () => {
    const { store, ensured } = countingStore();
    const keys = new SubjectKeys(store);
    const read = await keys.load(['read-first']);
    expect(ensured).toEqual([]);
    expect((await keys.ensure(['read-first'])).get('read-first')).toEqual(read.get('read-first'));
    expect(ensured).toEqual([['read-first']]);
    await keys.ensure(['read-first']);
    await keys.load(['read-first']);
    await keys.ensure(['read-first']);
    expect(ensured).toEqual([['read-first']]);
  });

  it('creates the keys asked for in one turn with one store write', async () => {
    const { store, ensured } = countingStore();
    const keys = new SubjectKeys(store);
    await Promise.all([keys.ensure(['a']), keys.ensure(['b', 'a'])]);
    expect(ensured).toEqual([['a', 'b']]);
    await keys.ensure(['a', 'b']);
    expect(ensured).toHaveLength(1);
  });
});
