import { CACHED_ENTRIES, CipherCache } from './cipher-cache';
import { newSubjectKey } from './field-cipher';
import type { KeyStore } from './key-store/key-store.port';

const DEFAULT_MAX_CACHED = CACHED_ENTRIES;
/**
 * A cached key is trusted this long, then read again: another instance may have erased the subject, and this one
 * must stop opening their values soon after (a process that follows the log forgets at once, on SubjectErased).
 */
const DEFAULT_MAX_AGE_MS = 60_000;

/**
 * The key store behind an in-memory cache (bounded, least recently used out first). Creations asked for in the same
 * turn of the event loop go to the store together, so a burst of appends (a batch, group commit) costs one key
 * store write, not one per item. Absent keys are never cached: a subject erased and then seen again gets a new key,
 * which another instance may create.
 */
export class SubjectKeys {
  /**
   * `ensured`: the key came back from `ensure` (the store's write, made durable). A key only read may be another
   * process's commit not yet on disk (key-store/sqlite), so sealing with it goes through the store first.
   */
  private readonly cache = new Map<string, { key: Buffer; at: number; ensured: boolean }>();
  /** The cipher's memory of identity values: it lives and dies with the keys. */
  readonly cipherCache = new CipherCache();
  private pending = new Set<string>();
  private flush?: Promise<Map<string, Buffer>>;

  constructor(
    readonly store: KeyStore,
    private readonly maxCached = DEFAULT_MAX_CACHED,
    private readonly maxAgeMs = DEFAULT_MAX_AGE_MS,
  ) {}

  /** The keys of these subjects, created where missing. */
  async ensure(subjectIds: string[]): Promise<Map<string, Buffer>> {
    const found = this.cached(subjectIds, true);
    const missing = subjectIds.filter((id) => !found.has(id));
    if (missing.length === 0) return found;
    missing.forEach((id) => this.pending.add(id));
    this.flush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.createPending());
    const created = await this.flush;
    missing.forEach((id) => found.set(id, created.get(id)!));
    return found;
  }

  /** The keys that exist now: from the cache when all are there, else one store read for the rest. */
  async load(subjectIds: string[]): Promise<Map<string, Buffer>> {
    const found = this.cached(subjectIds);
    const missing = subjectIds.filter((id) => !found.has(id));
    if (missing.length === 0) return found;
    const loaded = await this.store.getKeys(missing);
    loaded.forEach((key, id) => {
      this.remember(id, key, false);
      found.set(id, key);
    });
    return found;
  }

  /** Cached keys only, or undefined when one is not cached (lets hot reads skip an await). */
  tryCached(subjectIds: string[]): Map<string, Buffer> | undefined {
    const found = this.cached(subjectIds);
    return found.size === new Set(subjectIds).size ? found : undefined;
  }

  async erase(subjectIds: string[]): Promise<number> {
    this.forget(subjectIds);
    const removed = await this.store.deleteKeys(subjectIds);
    this.forget(subjectIds);
    return removed;
  }

  /** Drops every cached key and value: someone was erased, and nothing of theirs may stay in this process's memory. */
  forgetAll(): void {
    this.cache.clear();
    this.cipherCache.clear();
  }

  private forget(subjectIds: string[]): void {
    subjectIds.forEach((id) => this.cache.delete(id));
    this.cipherCache.clear();
  }

  private async createPending(): Promise<Map<string, Buffer>> {
    const ids = [...this.pending];
    this.pending = new Set();
    this.flush = undefined;
    const created = await this.store.ensureKeys(ids, newSubjectKey);
    created.forEach((key, id) => this.remember(id, key, true));
    return created;
  }

  private cached(subjectIds: string[], ensuredOnly = false): Map<string, Buffer> {
    const found = new Map<string, Buffer>();
    const fresh = Date.now() - this.maxAgeMs;
    for (const id of subjectIds) {
      const entry = this.cache.get(id);
      if (entry && entry.at >= fresh && (entry.ensured || !ensuredOnly)) found.set(id, entry.key);
    }
    return found;
  }

  private remember(id: string, key: Buffer, ensured: boolean): void {
    const before = this.cache.get(id);
    this.cache.delete(id);
    this.cache.set(id, { key, at: Date.now(), ensured: ensured || (before?.ensured === true && before.key.equals(key)) });
    if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
  }
}
