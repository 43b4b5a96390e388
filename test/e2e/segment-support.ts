import { readLog, TestApp } from './tessera-app';

/** Shared helpers of the Segment e2e tests. */
export const WRITE_KEYS = 'wk-node=node-server;wk-rudder=rudder-server;wk-legacy=legacy-server;wk-web=web';

export function basic(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

/** The position of the newest event in the log (undefined for an empty log). */
export async function logHead(app: TestApp): Promise<string | undefined> {
  return (await readLog(app.store)).at(-1)?.position;
}

export async function logLength(app: TestApp): Promise<number> {
  return (await readLog(app.store)).length;
}

/** GETs a profile path once the read models cover everything logged so far (no sleeps: minPosition waits). */
export async function readAfterLog(app: TestApp, path: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const head = await logHead(app);
  const sep = path.includes('?') ? '&' : '?';
  return app.getOk(head === undefined ? path : `${path}${sep}minPosition=${encodeURIComponent(head)}`);
}

export interface SegmentReply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** POSTs raw bytes to a Segment route with the given headers. */
export async function segmentPost(app: TestApp, path: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<SegmentReply> {
  const res = await fetch(`${app.url}${path}`, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** POSTs a JSON message with HTTP Basic auth. */
export function segmentCall(app: TestApp, path: string, message: unknown, key = 'wk-node'): Promise<SegmentReply> {
  return segmentPost(app, path, JSON.stringify(message), { 'content-type': 'application/json', authorization: basic(key) });
}
