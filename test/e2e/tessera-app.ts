import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, TesseraConfig } from '../../src/config';
import { EVENT_STORE, EventStore } from '../../src/event-store/event-store.port';
import { decode, DecodedEvent } from '../../src/events';
import { AppOptions, startApp } from '../../src/main';

/** A real Tessera on 127.0.0.1:<free port> with a real SQLite log in a fresh temp DATA_DIR. */
export interface TestApp {
  url: string;
  config: TesseraConfig;
  store: EventStore;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  post(path: string, body: unknown, options?: CallOptions): Promise<Reply>;
  /** POSTs an item, expects `status` (202), returns the position it was logged at. */
  ingest(path: string, body: unknown, status?: number): Promise<string>;
  /** GETs a path that must answer 200 (the failure names the path and the error); returns the body. */
  getOk(path: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Waits until the read models cover `position`, then takes the moment (ISO) and lets at least 2 ms pass: log time
   * has ms precision, so anything appended afterwards is logged strictly later (for asOf reads).
   */
  momentAfter(position: string): Promise<string>;
  close(): Promise<void>;
}

export interface CallOptions {
  key?: string;
  /** Sent as is (string or bytes) instead of JSON.stringify(body). */
  raw?: string | Uint8Array;
  contentType?: string | null;
  body?: unknown;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** `env.DATA_DIR` reuses a directory (a restart); otherwise a fresh one is made and removed on close. */
export async function startTestApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const ownDir = env.DATA_DIR === undefined;
  const dataDir = env.DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'tessera-e2e-')));
  const config = await loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env, DATA_DIR: dataDir });
  const running = await startApp(config, options);
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = {};
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    const hasBody = options.raw !== undefined || options.body !== undefined;
    const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
    if (hasBody && contentType !== null) headers['content-type'] = contentType;
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const res = await fetch(`${running.url}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: parse(text) };
  };
  return {
    url: running.url,
    config,
    store: running.app.get<EventStore>(EVENT_STORE),
    call,
    post: (path, body, options = {}) => call('POST', path, { ...options, body }),
    ingest: async (path, body, status = 202) => {
      const reply = await call('POST', path, { body });
      expect({ path, status: reply.status, error: reply.body?.error }).toEqual({ path, status, error: undefined });
      return reply.body.position;
    },
    getOk: async (path) => {
      const reply = await call('GET', path);
      expect({ path, status: reply.status, error: reply.body?.error }).toEqual({ path, status: 200, error: undefined });
      return reply.body;
    },
    momentAfter: async (position) => {
      expect((await call('GET', `/v1/profiles?limit=1&minPosition=${position}`)).status).toBe(200);
      const moment = new Date();
      while (Date.now() < moment.getTime() + 2) await new Promise((resolve) => setImmediate(resolve));
      return moment.toISOString();
    },
    close: async () => {
      await running.close();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Every event in the log, decoded, in log order. */
export async function readLog(store: EventStore): Promise<DecodedEvent[]> {
  const out: DecodedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: out.at(-1)?.position, limit: 500 });
    if (page.length === 0) return out;
    out.push(...page.map(decode));
  }
}

/** Polls `read` until `done` holds or the deadline passes; answers the last value read. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs: number): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}

/** Waits for the wall clock to pass `at` (a window can only lapse in real time). */
export async function clockPast(at: number): Promise<void> {
  while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, Math.min(50, at - Date.now() + 1)));
}
