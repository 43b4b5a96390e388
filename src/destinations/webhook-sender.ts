import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { ChangeItem } from '../../projections/change-feed';

export type SendOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'gone'; status: 410 }
  | { kind: 'failed'; error: string };

export interface WebhookRequest {
  url: string;
  secret: string;
  item: ChangeItem;
  now: Date;
  timeoutMs: number;
}

/**
 * Keep-alive connections, shared by every destination (a loop sends one request at a time, so each destination
 * holds at most one socket per host). node:http rather than fetch: a delivery is one small POST whose answer only
 * matters by its status, and fetch's streams and abort signals cost more CPU than the rest of a delivery together
 * (a delivery loop sends one request at a time, so that CPU is its throughput).
 */
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/** The signer decodes the secret once; destinations keep their secret for life, so a small cache suffices. */
const signers = new Map<string, Webhook>();
const MAX_SIGNERS = 1_000;

function signerOf(secret: string): Webhook {
  let signer = signers.get(secret);
  if (!signer) {
    if (signers.size >= MAX_SIGNERS) signers.clear();
    signers.set(secret, (signer = new Webhook(secret)));
  }
  return signer;
}

/**
 * One change per POST, per the Standard Webhooks specification: body `{"type", "timestamp", "data": <the item>}`,
 * `webhook-id` the change id (the same on every retry, so receivers deduplicate), `webhook-timestamp` the attempt's
 * time (a retry is signed afresh, inside receivers' tolerance), `webhook-signature` `v1,<HMAC-SHA256>` made by the
 * `standardwebhooks` package itself. Redirects are not followed (a 3xx is a failure). Failure messages name the
 * status or the error class, never the secret, the body or the URL's credentials.
 */
export async function sendWebhook(request: WebhookRequest): Promise<SendOutcome> {
  const { item, now } = request;
  const body = JSON.stringify({ type: item.type, timestamp: item.at, data: item });
  const headers = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'user-agent': 'Tessera-Webhooks/1',
    'webhook-id': item.id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signerOf(request.secret).sign(item.id, now, body),
  };
  try {
    const status = await post(new URL(request.url), headers, body, request.timeoutMs);
    if (status >= 200 && status < 300) return { kind: 'delivered', status };
    if (status === 410) return { kind: 'gone', status: 410 };
    return { kind: 'failed', error: `HTTP ${status}` };
  } catch (error) {
    return { kind: 'failed', error: describe(error) };
  }
}

class DeliveryTimeout extends Error {
  override name = 'TimeoutError';
}

/** The answer's status once its body has been read (so the socket goes back to the pool), or a failure. */
function post(url: URL, headers: Record<string, string | number>, body: string, timeoutMs: number): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers, agent }, (res: IncomingMessage) => {
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve(res.statusCode ?? 0);
      });
      res.resume();
    });
    const timer = setTimeout(() => {
      req.destroy();
      fail(new DeliveryTimeout());
    }, timeoutMs);
    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
    req.on('error', fail);
    req.end(body);
  });
}

function describe(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  const code = (error as { code?: string })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  return code ? `connection failed (${code})` : 'request failed';
}
