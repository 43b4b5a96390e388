import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, TesseraConfig } from '../../src/config';
import { EVENT_STORE, EventStore } from '../../src/event-store/event-store.port';
import { startApp } from '../../src/main';

/** A real Tessera on 127.0.0.1:<free port> with a real SQLite log in a fresh temp DATA_DIR. */
export interface TestApp {
  url: string;
  config: TesseraConfig;
  store: EventStore;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  post(path: string, body: unknown, options?: CallOptions): Promise<Reply>;
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

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-e2e-'));
  const config = await loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  const running = await startApp(config);
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
    close: async () => {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
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
