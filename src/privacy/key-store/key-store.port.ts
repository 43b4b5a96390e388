/**
 * Where the per-subject keys of crypto-shredding live, apart from the log they protect: deleting a subject's key
 * makes every sealed value of that subject unreadable in every copy of the log. Two adapters (sqlite, mongodb), one
 * contract suite (test/contract/key-store.contract.ts):
 * - `ensureKeys` inserts a key only where none exists and returns the stored one, so concurrent creators (two
 *   instances, two requests) agree on one key per subject;
 * - a deleted key is gone for good: `getKeys` leaves it out, and the adapter scrubs it from its files where it can;
 * - the suppression salt is created once and never changes.
 * Subject ids are keyed hashes (field-cipher.ts subjectIdOf), never identity values.
 */
export interface KeyStore {
  ensureKeys(subjectIds: string[], create: () => Buffer): Promise<Map<string, Buffer>>;
  /** The keys that exist; erased (or never created) subjects are absent. */
  getKeys(subjectIds: string[]): Promise<Map<string, Buffer>>;
  /** Deletes the keys; resolves with how many existed. */
  deleteKeys(subjectIds: string[]): Promise<number>;
  /** The secret that salts suppression hashes, created on first use. */
  suppressionSalt(create: () => Buffer): Promise<Buffer>;
  addSuppressed(hashes: string[]): Promise<void>;
  listSuppressed(): Promise<string[]>;
  /**
   * Readiness: resolves when keys can be read and created now, rejects with the reason when they cannot. Without
   * keys nothing personal can be sealed or opened, so the service is not ready (GET /v1/health names this store).
   */
  check(): Promise<void>;
  close(): Promise<void>;
}

export const KEY_STORE = Symbol('KeyStore');
