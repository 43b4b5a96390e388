/**
 * One append at a time per stream within this process. Appends to one stream from one process then never race
 * each other's revision check, so optimistic retries are left for writers in other processes.
 */
export class StreamLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async exclusive<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(stream) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(stream, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    }
  }
}
