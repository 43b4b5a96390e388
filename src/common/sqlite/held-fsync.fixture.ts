import type { FsyncFn } from './wal-sync';

/**
 * For tests: an fsync that finishes (or fails) when the test says so, one entry per fsync started; `release`
 * finishes every one started so far (for a test's cleanup).
 */
export function heldFsync() {
  const started: Array<{ done(): void; fail(error: Error): void }> = [];
  const fsync: FsyncFn = () => new Promise<void>((done, fail) => started.push({ done, fail }));
  return { fsync, started, release: () => started.forEach((s) => s.done()) };
}
