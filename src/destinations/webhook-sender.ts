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
 * One change per POST, per the Standard Webhooks specification: body `{"type", "timestamp", "data": <the item>}`,
 * `webhook-id` the change id (the same on every retry, so receivers deduplicate), `webhook-timestamp` the attempt's
 * time (a retry is signed afresh, inside receivers' tolerance), `webhook-signature` `v1,<HMAC-SHA256>` made by the
 * `standardwebhooks` package itself. Failure messages name the status or the error class, never the secret, the
 * body or the URL's credentials.
 */
export async function sendWebhook(request: WebhookRequest): Promise<SendOutcome> {
  const { item, now } = request;
  const body = JSON.stringify({ type: item.type, timestamp: item.at, data: item });
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Tessera-Webhooks/1',
    'webhook-id': item.id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(request.secret).sign(item.id, now, body),
  };
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { kind: 'delivered', status: response.status };
    if (response.status === 410) return { kind: 'gone', status: 410 };
    return { kind: 'failed', error: `HTTP ${response.status}` };
  } catch (error) {
    return { kind: 'failed', error: describe(error) };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  return cause ? `connection failed (${cause})` : 'request failed';
}
