/**
 * A map that forgets its oldest entries beyond a bound. Insertion order, not recency: reordering on every hit
 * costs more on the append path than the occasional re-computation of an evicted hot entry.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }

  /** The entry, removed: a hand-off read once. */
  take(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) this.entries.delete(key);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Entries each of the four caches of a process keeps (subject ids, sealed and opened identity values, subject keys:
 * subject-keys.ts). A memory budget, not a hit-rate choice: in a heap snapshot of the service after 1M events
 * (BENCHMARKS.md) they were full at 200,000 each and held 283 of the 352 MiB of live heap (sealed values 109 MiB,
 * keys 74, opened values 67, subject ids 33: about 350 B an entry, most of it the entry's key Buffer). At 50,000
 * they hold about 70 MiB whatever the log's size; a key is trusted for a minute anyway, and a miss costs one keyed
 * hash, one AES call or one key-store read.
 */
export const CACHED_ENTRIES = 50_000;

/**
 * What the cipher remembers between calls: subject ids of identities (a keyed hash each), and identity values in
 * both directions. Cleared with the key cache whenever someone is erased, so no plaintext of an erased subject
 * outlives their key in memory.
 */
export class CipherCache {
  readonly subjects = new BoundedMap<string, string>(CACHED_ENTRIES);
  readonly sealed = new BoundedMap<string, { text: string; key: Buffer }>(CACHED_ENTRIES);
  readonly opened = new BoundedMap<string, { value: string; key: Buffer }>(CACHED_ENTRIES);
  /**
   * The plaintext payloads of events this process sealed and appended, by log position, until its own subscription
   * reads them (encrypting-event-store.ts): the in-process projector then need not open what was sealed a moment
   * ago. A few thousand at most: a projector further behind opens them as any reader does.
   */
  readonly appended = new BoundedMap<string, Record<string, unknown>>(4_096);

  clear(): void {
    this.subjects.clear();
    this.sealed.clear();
    this.opened.clear();
    this.appended.clear();
  }
}
