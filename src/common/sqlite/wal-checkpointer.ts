import { Worker } from 'node:worker_threads';

/**
 * The thread's own code, plain JavaScript so that it runs from the TypeScript sources (jest) and the build alike:
 * its own connection to the file, and every `everyMs` a look at the WAL index (the `-shm` file's header: frames in
 * the WAL, frames already copied into the database file). A PASSIVE checkpoint neither waits for nor blocks the
 * writer; it copies what the WAL holds into the database file between two fsyncs. It runs only when there is
 * something to copy, and then once `minFrames` frames wait or the writer has paused (the WAL did not grow since the
 * last look, so the writer's next transaction can start it over): a checkpoint every 50 ms whatever the WAL held
 * cost the projector's fold ~11 % of its CPU (issue 17), copying the pages the next commits rewrote again, with two
 * fsyncs each time. A header it cannot read (another format) falls back to a checkpoint at every look.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const header = Buffer.alloc(100);
let shm;
let seen = -1;
/** [frames in the WAL, frames copied], or undefined when the index cannot be read (then: checkpoint anyway). */
const walIndex = () => {
  try {
    shm ??= fs.openSync(workerData.file + '-shm', 'r');
    if (fs.readSync(shm, header, 0, 100, 0) < 100 || header.readUInt32LE(0) !== 3007000) return undefined;
    return [header.readUInt32LE(16), header.readUInt32LE(96)];
  } catch {
    return undefined;
  }
};
const checkpoint = () => {
  const index = walIndex();
  if (index) {
    const [frames, copied] = index;
    const grew = frames !== seen;
    seen = frames;
    if (frames <= copied || (grew && frames - copied < workerData.minFrames)) return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // the writer's own auto-checkpoint (the backstop) still bounds the WAL
  }
};
let timer;
const start = () => { timer = setInterval(checkpoint, workerData.everyMs); };
parentPort.on('message', (message) => {
  clearInterval(timer);
  if (message === 'pause') parentPort.postMessage('paused');
  else if (message === 'resume') start();
  else { if (shm !== undefined) fs.closeSync(shm); db.close(); parentPort.close(); }
});
start();
`;

/**
 * Checkpoints a WAL-mode SQLite file from a thread of its own. better-sqlite3 runs SQLite on the event loop, and
 * SQLite's auto-checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages: the copy into the database
 * file and its two fsyncs blocked the loop for up to 50 ms at a time, 60 % of the read store's COMMIT time under
 * single-event ingest (issue 17). The writer keeps a larger auto-checkpoint as a backstop: a checkpoint that runs
 * while the writer keeps appending cannot reach the WAL's end, and only a complete one lets the next write start
 * the WAL over; the backstop's checkpoint, run by the writer itself, finishes the little left and the WAL restarts.
 */
export class WalCheckpointer {
  private exclusive: Promise<unknown> = Promise.resolve();
  private closed?: Promise<void>;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    // A checkpointer must never keep the process alive nor take it down: the backstop covers a dead one.
    worker.unref();
    worker.on('error', () => undefined);
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /** `minFrames`: WAL frames (pages) not yet copied that make the thread checkpoint while the writer keeps writing. */
  static start(file: string, everyMs = 50, minFrames = 2000): WalCheckpointer {
    const workerData = { file, everyMs, minFrames, driver: require.resolve('better-sqlite3') };
    return new WalCheckpointer(new Worker(THREAD, { eval: true, workerData }));
  }

  /**
   * Runs `work` while no checkpoint runs or starts on the thread: a wal_checkpoint(TRUNCATE) of the writer (an
   * erasure's, which must leave no copy in the WAL) fails to truncate while another connection checkpoints.
   */
  paused<T>(work: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(async () => {
      await this.ask('pause', 'paused');
      try {
        return await work();
      } finally {
        if (!this.closed) this.worker.postMessage('resume');
      }
    });
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /** Before the writer's connection closes: the last connection to close checkpoints and removes the WAL itself. */
  close(): Promise<void> {
    this.closed ??= this.exclusive.then(() => {
      // Unref'd, the thread would let node exit in the middle of this close when nothing else is on the loop (a CLI
      // command's or a bench's last await): the code after close() never ran and the WAL was left behind.
      this.worker.ref();
      this.worker.postMessage('close');
      return this.exited;
    });
    return this.closed;
  }

  /** Resolves on the answer, or once the thread is gone: a thread that died holds no checkpoint to wait for. */
  private ask(message: string, answer: string): Promise<void> {
    let onMessage!: (m: unknown) => void;
    const answered = new Promise<void>((resolve) => {
      onMessage = (m: unknown) => {
        if (m === answer) resolve();
      };
      this.worker.on('message', onMessage);
    });
    this.worker.postMessage(message);
    return Promise.race([answered, this.exited]).finally(() => this.worker.off('message', onMessage));
  }
}
