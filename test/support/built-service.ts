import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { compileForNode } from './compile-for-node';

const ROOT = resolve(__dirname, '../..');

/** A running `node main.js`: the crash tests SIGKILL `proc` and wait on `exited`. */
export interface RunningService {
  proc: ChildProcess;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

/** The service compiled once for a suite, started as many times as the suite needs (each start is a new process). */
export interface BuiltService {
  start(env: NodeJS.ProcessEnv): Promise<RunningService>;
  remove(): void;
}

/**
 * Compiles src/main.ts beside dist/ (same depth, git-ignored), so the service finds the files it reads from the
 * source tree, and starts it on a free loopback port with no API keys; `env` adds DATA_DIR and anything else.
 */
export function buildService(): BuiltService {
  const buildDir = mkdtempSync(join(ROOT, '.tessera-build-'));
  const service = compileForNode(join(ROOT, 'src/main.ts'), buildDir);
  return {
    start: (env) => startService(service, env),
    remove: () => rmSync(buildDir, { recursive: true, force: true }),
  };
}

/** Starts the service and resolves once it logs the URL it listens on; rejects with its stderr if it exits first. */
function startService(service: { script: string; env: NodeJS.ProcessEnv }, extra: NodeJS.ProcessEnv): Promise<RunningService> {
  const env = { ...service.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', API_KEYS: '', ...extra };
  const proc = spawn(process.execPath, [service.script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<NodeJS.Signals | number | null>((done) => proc.once('close', (code, signal) => done(signal ?? code)));
  const stderr: string[] = [];
  proc.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return new Promise((ready, fail) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'tessera listening') ready({ proc, url: entry.url!, exited });
    });
    void exited.then((why) => fail(new Error(`service exited (${String(why)}) before listening: ${stderr.join('')}`)));
  });
}
