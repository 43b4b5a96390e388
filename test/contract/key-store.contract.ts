import { randomBytes } from 'node:crypto';
import type { KeyStore } from '../../src/privacy/key-store/key-store.port';

/** The promises of the KeyStore port, held against every adapter; each case gets an empty store. */
export function describeKeyStoreContract(name: string, open: () => Promise<{ store: KeyStore; dispose(): Promise<void> }>) {
  describe(`KeyStore contract: ${name}`, () => {
    let store: KeyStore;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ store, dispose } = await open());
    });
    afterEach(() => dispose());

    it('creates a key once: later and concurrent creators get the stored one', async () => {
      const first = await store.ensureKeys(['s1', 's2'], () => randomBytes(32));
      const [again, racing] = await Promise.all([
        store.ensureKeys(['s1', 's2', 's3'], () => randomBytes(32)),
        store.ensureKeys(['s1'], () => randomBytes(32)),
      ]);
      expect(first.get('s1')).toHaveLength(32);
      expect(again.get('s1')).toEqual(first.get('s1'));
      expect(racing.get('s1')).toEqual(first.get('s1'));
      expect(again.get('s2')).toEqual(first.get('s2'));
      expect([...(await store.getKeys(['s1', 's2', 's3', 'none'])).keys()].sort()).toEqual(['s1', 's2', 's3']);
    });

    it('deletes keys for good and says how many existed', async () => {
      await store.ensureKeys(['s1', 's2'], () => randomBytes(32));
      expect(await store.deleteKeys(['s1', 'never'])).toBe(1);
      expect([...(await store.getKeys(['s1', 's2'])).keys()]).toEqual(['s2']);
      const recreated = await store.ensureKeys(['s1'], () => Buffer.alloc(32, 7));
      expect(recreated.get('s1')).toEqual(Buffer.alloc(32, 7));
    });

    it('keeps one suppression salt and a set of suppressed hashes', async () => {
      const salt = await store.suppressionSalt(() => Buffer.alloc(32, 1));
      expect(await store.suppressionSalt(() => Buffer.alloc(32, 2))).toEqual(salt);
      await store.addSuppressed(['h1', 'h2']);
      await store.addSuppressed(['h2', 'h3']);
      expect((await store.listSuppressed()).sort()).toEqual(['h1', 'h2', 'h3']);
    });

    it('answers the readiness check while it serves, and refuses it once closed', async () => {
      await expect(store.check()).resolves.toBeUndefined();
      await store.close();
      await expect(store.check()).rejects.toThrow();
    });
  });
}
