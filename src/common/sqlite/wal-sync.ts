import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export type FsyncFn = (fd: number) => Promise<void>;

const fsyncInPool: FsyncFn = (fd) => new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));

/**
 * Makes what a connection at synchronous=NORMAL committed to a WAL file durable with an fsync of that file in libuv's
 * thread pool, so the event loop is not blocked for the disk's flush as a synchronous=FULL commit blocks it
 * (better-sqlite3 commits on the main thread). In WAL mode a commit is frames appended to the WAL, and FULL differs
 * from NORMAL only by an fsync of the WAL after them: an fsync of the same file (any descriptor of its inode)
 * started after the commit returned is that fsync. Callers that ask while one runs share the next one, which starts
 * after it: the one running may have started before their commit.
 *
 * A failed fsync fails every later one too: Linux reports a writeback error once and may drop the dirty pages (they
 * are marked clean), so a later fsync that succeeds says nothing about the writes before the failure. The file can
 * no longer be trusted to hold what this process committed; its owner treats it as failed until a restart.
 */
export class WalSync {
  private running?: Promise<void>;
  private queued?: Promise<void>;
  private failure?: { error: unknown };

  private constructor(
    private readonly fd: number,
    private readonly fsyncFd: FsyncFn,
  ) {}

  /**
   * `wal` must exist and stay in place while the connection is open (SQLite deletes it only when the last connection
   * closes). Its directory entry is synced once here: FULL would have done so at the WAL's first sync.
   */
  static open(wal: string, fsyncFd: FsyncFn = fsyncInPool): WalSync {
    const dir = openSync(dirname(wal), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return new WalSync(openSync(wal, 'r'), fsyncFd);
  }

  /** Resolves once everything written to the WAL before this call is on disk. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const after = this.running.then(
      () => undefined,
      () => undefined,
    );
    this.queued = after.then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  /** Waits for the fsyncs asked for, then lets go of the descriptor. */
  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.queued]);
    closeSync(this.fd);
  }

  /** The error of the fsync that failed, once one has: every sync() since rejects with it. */
  get failed(): { error: unknown } | undefined {
    return this.failure;
  }

  private start(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure.error);
    const run: Promise<void> = this.fsyncFd(this.fd)
      .catch((error: unknown) => {
        this.failure ??= { error };
        throw error;
      })
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
    return run;
  }
}
