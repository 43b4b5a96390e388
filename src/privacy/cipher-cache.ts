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
 * What the cipher remembers between calls: subject ids of identities (a keyed hash each), and identity values in
 * both directions. Cleared with the key cache whenever someone is erased, so no plaintext of an erased subject
 * outlives their key in memory.
 */
export class CipherCache {
  readonly subjects = new BoundedMap<string, string>(200_000);
  readonly sealed = new BoundedMap<string, { text: string; key: Buffer }>(200_000);
  readonly opened = new BoundedMap<string, { value: string; key: Buffer }>(200_000);
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
