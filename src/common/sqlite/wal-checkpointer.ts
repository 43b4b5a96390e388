import { Worker } from 'node:worker_threads';

/**
 * The thread's own code, plain JavaScript so that it runs from the TypeScript sources (jest) and the build alike:
 * its own connection to the file, a PASSIVE checkpoint every `everyMs`. A PASSIVE checkpoint neither waits for nor
 * blocks the writer; it copies what the WAL holds into the database file between two fsyncs.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let timer;
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // the writer's own auto-checkpoint (the backstop) still bounds the WAL
  }
};
const start = () => { timer = setInterval(checkpoint, workerData.everyMs); };
parentPort.on('message', (message) => {
  clearInterval(timer);
  if (message === 'pause') parentPort.postMessage('paused');
  else if (message === 'resume') start();
  else { db.close(); parentPort.close(); }
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

  static start(file: string, everyMs = 50): WalCheckpointer {
    const workerData = { file, everyMs, driver: require.resolve('better-sqlite3') };
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
