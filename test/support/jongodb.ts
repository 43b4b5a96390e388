import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * jongodb: a native MongoDB-wire server shipped as an npm binary, so the MongoDB adapter's contract suite runs here
 * without a MongoDB install. It prints `JONGODB_URI=...` once it listens.
 */
const BINARY = join(__dirname, '../../node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');
const READY = /^JONGODB_URI=(\S+)/;
const START_TIMEOUT_MS = 20_000;

export interface Jongodb {
  uri: string;
  stop(): Promise<void>;
}

export function startJongodb(): Promise<Jongodb> {
  const child = spawn(BINARY, ['--port=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  // A test process that dies without its teardown must not leave the server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise<Jongodb>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`jongodb did not start within ${START_TIMEOUT_MS} ms: ${stderr.join('')}`));
    }, START_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`jongodb exited before it was ready: ${stderr.join('')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = READY.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve({ uri: match[1], stop });
    });
  });
}
